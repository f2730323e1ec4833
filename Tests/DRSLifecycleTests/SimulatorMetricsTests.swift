import DRSDomain
import DRSLifecycle
import DRSStorage
import DRSTestSupport
import Logging
import Prometheus
import Testing

/// The simulator's metrics: steps applied, and how late the oldest due step was.
@Suite struct SimulatorMetricsTests {
    @Test(arguments: StoreKind.allCases)
    func aRoundReportsItsLagAndTheSimulatorCountsItsSteps(kind: StoreKind) async throws {
        try await LifecycleStoreTests.withLifecycle(kind) { lifecycle, clock, _ in
            _ = try await LifecycleStoreTests.created(lifecycle, LifecycleStoreTests.newTask("DRS-metrics-1"))
            _ = try await LifecycleStoreTests.created(lifecycle, LifecycleStoreTests.newTask("DRS-metrics-2"))
            // Creating → configuration falls due 3 s after the create; 5 s later, the oldest step is 2 s late.
            clock.advance(5_000)
            let round = try await lifecycle.measuredRound(limit: 1)
            #expect(round.applied == 1)
            #expect(round.lagMilliseconds == 2_000)
            #expect(try await lifecycle.measuredRound(limit: 10) == (1, 2_000))
            #expect(try await lifecycle.measuredRound(limit: 10) == (0, 0))

            _ = try await LifecycleStoreTests.created(lifecycle, LifecycleStoreTests.newTask("DRS-metrics-3"))
            clock.advance(3_000)
            let registry = PrometheusCollectorRegistry()
            let simulator = Simulator(
                lifecycle: lifecycle,
                interval: .milliseconds(10),
                logger: Logger(label: "test"),
                metrics: PrometheusMetricsFactory(registry: registry)
            )
            simulator.gate.open()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await simulator.run() }
                var text = ""
                for _ in 0..<500 where !text.contains("drs_simulator_transitions_total 1") {
                    try await Task.sleep(for: .milliseconds(10))
                    text = registry.emitToString()
                }
                #expect(text.contains("drs_simulator_transitions_total 1"))
                #expect(text.contains("drs_simulator_lag_seconds"))
                group.cancelAll()
            }
        }
    }
}
