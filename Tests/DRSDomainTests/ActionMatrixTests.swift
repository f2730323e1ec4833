import DRSDomain
import Testing

@Suite struct ActionMatrixTests {
    static func names(_ list: String) -> Set<String> {
        Set(list.split(separator: ",").map { $0.trimmingWhitespace() })
    }

    static func available(_ facts: ActionFacts) -> Set<String> {
        Set(ActionMatrix.actions(for: facts).available.map(\.rawValue))
    }

    @Test func catalogueSizesAndOrder() {
        #expect(JobStatus.allCases.count == 29)
        #expect(EngineType.allCases.count == 19)
        #expect(JobActionName.allCases.count == 34)
        #expect(JobActionName.allCases.first == .create)
        #expect(JobActionName.allCases.last == .apiConfigurationAction)
        #expect(ActionSet.all.map(\.rawValue) == JobActionName.allCases.map(\.rawValue))
    }

    @Test(arguments: specBaseRows)
    func baseRow(row: (status: String, available: String)) throws {
        let status = try #require(JobStatus(rawValue: row.status))
        for dbUseType in [DBUseType.migration, .sync] {
            let facts = ActionFacts(status: status, dbUseType: dbUseType, engineType: .mysql)
            #expect(Self.available(facts) == Self.names(row.available), "\(row.status) \(dbUseType)")
        }
    }

    @Test(arguments: JobStatus.allCases)
    func availableAndUnavailableSplitTheCatalogueInOrder(status: JobStatus) {
        for engine in EngineType.allCases {
            for dbUseType in DBUseType.allCases {
                for charging in ChargingMode.allCases {
                    for current in [nil] + CurrentAction.allCases.map(Optional.some) {
                        let actions = ActionMatrix.actions(
                            for: ActionFacts(status: status, dbUseType: dbUseType, engineType: engine, chargingMode: charging, currentAction: current)
                        )
                        let available = Array(actions.available)
                        let unavailable = Array(actions.unavailable)
                        #expect(Set(available).isDisjoint(with: unavailable))
                        #expect(available.count + unavailable.count == 34)
                        let order = JobActionName.allCases
                        #expect(available == order.filter(available.contains))
                        #expect(unavailable == order.filter(unavailable.contains))
                        for never in [JobActionName.payOrder, .toPeriod, .changeFlavor, .modifySpecificationID, .jumpRetry] {
                            #expect(!actions.available.contains(never))
                        }
                        #expect(actions.currentAction == current)
                    }
                }
            }
        }
    }

    @Test func referencePageExamplesMatch() throws {
        for (statusName, expected) in referencePageAvailableActions {
            let status = try #require(JobStatus(rawValue: statusName))
            #expect(Self.available(ActionFacts(status: status, dbUseType: .migration, engineType: .mysql)) == expected)
            #expect(Self.available(ActionFacts(status: status, dbUseType: .sync, engineType: .oracleToMySQL)) == expected)
        }
    }

    @Test(arguments: JobStatus.allCases)
    func disasterRecoveryRemovesPauseAndRetry(status: JobStatus) {
        let base = Self.available(ActionFacts(status: status, dbUseType: .sync, engineType: .mysql))
        var expected = base.subtracting(["PAUSE", "RETRY"])
        if status == .increTransferStarted { expected.insert("SWITCH_OVER") }
        #expect(Self.available(ActionFacts(status: status, dbUseType: .cloudDataGuard, engineType: .cloudDataGuardMySQL)) == expected)
    }

    @Test(arguments: JobStatus.allCases)
    func cassandraOverlay(status: JobStatus) {
        let base = Self.available(ActionFacts(status: status, dbUseType: .migration, engineType: .mysql))
        var expected = base
        if status == .fullTransferComplete { expected.insert("START_INCR") }
        if status == .fullTransferStarted || status == .increTransferStarted { expected.insert("MODIFY_TASK_NUMBER") }
        #expect(Self.available(ActionFacts(status: status, dbUseType: .migration, engineType: .cloudDataGuardCassandra)) == expected)
    }

    @Test(arguments: JobStatus.allCases)
    func oracleToGaussOverlay(status: JobStatus) {
        let base = Self.available(ActionFacts(status: status, dbUseType: .sync, engineType: .mysql))
        var expected = base
        if [.fullTransferStarted, .increTransferStarted].contains(status) { expected.insert("STOP_JOB") }
        if [.startJobFailed, .pausing, .fullTransferFailed, .increTransferFailed].contains(status) { expected.insert("CONTINUE_JOB") }
        if status == .increTransferStarted { expected.formUnion(["CONTINUE_CAPTURE", "STOP_CAPTURE", "CONTINUE_APPLY", "STOP_APPLY"]) }
        #expect(Self.available(ActionFacts(status: status, dbUseType: .sync, engineType: .oracleToGaussdbv5)) == expected)
    }

    @Test(arguments: JobStatus.allCases)
    func periodBillingOverlay(status: JobStatus) {
        let base = Self.available(ActionFacts(status: status, dbUseType: .migration, engineType: .mysql))
        var expected = base.subtracting(["FREE_RESOURCE", "DELETE"])
        if status != .deleted && status != .releaseResourceComplete { expected.formUnion(["ORDER_INFO", "TO_RENEW", "UNSUBSCRIBE"]) }
        #expect(
            Self.available(ActionFacts(status: status, dbUseType: .migration, engineType: .mysql, chargingMode: .period)) == expected
        )
    }

    @Test(arguments: JobStatus.allCases, CurrentAction.allCases)
    func operationInProgressLeavesOnlyCreate(status: JobStatus, current: CurrentAction) {
        let facts = ActionFacts(
            status: status,
            dbUseType: .cloudDataGuard,
            engineType: .oracleToGaussdbv5,
            chargingMode: .period,
            currentAction: current
        )
        #expect(Self.available(facts) == ["CREATE"])
        #expect(ActionMatrix.actions(for: facts).currentAction == current)
    }

    @Test func overlaysComposeInOrder() {
        // DR removes PAUSE/RETRY first; Oracle-to-GaussDB then adds CONTINUE_JOB; period billing removes FREE_RESOURCE.
        let facts = ActionFacts(status: .pausing, dbUseType: .cloudDataGuard, engineType: .oracleToGaussdbv5, chargingMode: .period)
        #expect(
            Self.available(facts) == [
                "CREATE", "CHOOSE_OBJECT", "PRE_CHECK", "CHANGE_MODE", "MODIFY_DB_CONFIG", "RESET_DB_PWD", "MODIFY_CONFIGURATION",
                "RESET", "CONTINUE_JOB", "ORDER_INFO", "TO_RENEW", "UNSUBSCRIBE",
            ]
        )
    }
}

extension Substring {
    func trimmingWhitespace() -> String { String(self).trimmed }
}
