import DRSDomain

/// The `job_action` object of every combination of the facts the action matrix reads, written once as JSON.
///
/// The matrix reads a task's engine only through the overlays that name an engine, so engines that no overlay names
/// share one entry: 29 statuses x 3 scenarios x (1 + engines named) x 2 charging modes x 3 operation states.
enum ActionFragments {
    /// Engines that an overlay names; every other engine behaves like the first engine that none names.
    static let namedEngines: [EngineType] = ActionMatrix.overlays.compactMap { overlay in
        if case .engine(let engine) = overlay.condition { return engine }
        return nil
    }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }

    static let engineClass: [Int] = EngineType.ordered.map { engine in (namedEngines.firstIndex(of: engine) ?? -1) + 1 }
    static let representatives: [EngineType] = [EngineType.ordered.first { !namedEngines.contains($0) }!] + namedEngines

    static let currentActions: [CurrentAction?] = [nil] + CurrentAction.ordered.map { $0 }

    /// The fragments, indexed by ``index(status:use:engine:charging:current:)``.
    static let table = ByteTable(fragments)

    static let fragments: [[UInt8]] = {
        var table: [[UInt8]] = []
        for status in JobStatus.ordered {
            for use in DBUseType.ordered {
                for engine in representatives {
                    for charging in ChargingMode.ordered {
                        for current in currentActions {
                            let facts = ActionFacts(
                                status: status,
                                dbUseType: use,
                                engineType: engine,
                                chargingMode: charging,
                                currentAction: current
                            )
                            table.append(render(ActionMatrix.actions(for: facts)))
                        }
                    }
                }
            }
        }
        return table
    }()

    /// The table index for catalogue codes; `current` is -1 when no operation is in progress. Nil for an unknown code.
    static func index(status: Int, use: Int, engine: Int, charging: Int, current: Int) -> Int? {
        guard JobStatus.ordered.indices.contains(status), DBUseType.ordered.indices.contains(use), engineClass.indices.contains(engine),
            ChargingMode.ordered.indices.contains(charging), (-1..<CurrentAction.ordered.count).contains(current)
        else { return nil }
        var index = status
        index = index * DBUseType.ordered.count + use
        index = index * representatives.count + engineClass[engine]
        index = index * ChargingMode.ordered.count + charging
        return index * currentActions.count + current + 1
    }

    /// `{"available_actions":[…],"unavailable_actions":[…]}`, with `current_action` when set.
    static func render(_ actions: JobActions) -> [UInt8] {
        var bytes = Array("{\"available_actions\":".utf8)
        list(actions.available, into: &bytes)
        bytes += Array(",\"unavailable_actions\":".utf8)
        list(actions.unavailable, into: &bytes)
        if let current = actions.currentAction { bytes += Array(",\"current_action\":\"\(current.rawValue)\"".utf8) }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private static func list(_ actions: ActionSet, into bytes: inout [UInt8]) {
        bytes += Array("[".utf8) + Array(actions.map { "\"\($0.rawValue)\"" }.joined(separator: ",").utf8) + Array("]".utf8)
    }
}
