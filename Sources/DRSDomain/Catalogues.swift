/// The catalogues of `query-jobs.md` §5 and the import format, kept as data in one place.
///
/// Every enum's raw value is the exact wire spelling; `allCases` order is the documented order.
/// A value's ``CatalogueValue/code`` (its position) is what the database stores: catalogues only ever grow at the
/// end, and a case is never removed or moved.

/// A catalogue: a fixed list of wire spellings, each with a stable integer code.
public protocol CatalogueValue: CaseIterable, Hashable, Sendable, RawRepresentable where RawValue == String, AllCases == [Self] {
    /// `allCases`, computed once.
    static var ordered: [Self] { get }
    /// Each value's position in ``ordered``.
    static var codes: [Self: Int] { get }
}

extension CatalogueValue {
    /// The stored code: the value's position in the catalogue.
    public var code: Int { Self.codes[self]! }

    /// The value with this stored code, or nil.
    public init?(code: Int) {
        guard Self.ordered.indices.contains(code) else { return nil }
        self = Self.ordered[code]
    }

    static func makeCodes() -> [Self: Int] {
        Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
    }
}

/// Task statuses (29).
public enum JobStatus: String, CatalogueValue {
    public static let ordered = allCases
    public static let codes = makeCodes()

    case creating = "CREATING"
    case createFailed = "CREATE_FAILED"
    case configuration = "CONFIGURATION"
    case startJobing = "STARTJOBING"
    case waitingForStart = "WAITING_FOR_START"
    case startJobFailed = "START_JOB_FAILED"
    case pausing = "PAUSING"
    case fullTransferStarted = "FULL_TRANSFER_STARTED"
    case fullTransferFailed = "FULL_TRANSFER_FAILED"
    case fullTransferComplete = "FULL_TRANSFER_COMPLETE"
    case increTransferStarted = "INCRE_TRANSFER_STARTED"
    case increTransferFailed = "INCRE_TRANSFER_FAILED"
    case releaseResourceStarted = "RELEASE_RESOURCE_STARTED"
    case releaseResourceFailed = "RELEASE_RESOURCE_FAILED"
    case releaseResourceComplete = "RELEASE_RESOURCE_COMPLETE"
    case rebuildNodeStarted = "REBUILD_NODE_STARTED"
    case rebuildNodeFailed = "REBUILD_NODE_FAILED"
    case changeJobStarted = "CHANGE_JOB_STARTED"
    case changeJobFailed = "CHANGE_JOB_FAILED"
    case deleted = "DELETED"
    case childTransferStarting = "CHILD_TRANSFER_STARTING"
    case childTransferStarted = "CHILD_TRANSFER_STARTED"
    case childTransferComplete = "CHILD_TRANSFER_COMPLETE"
    case childTransferFailed = "CHILD_TRANSFER_FAILED"
    case releaseChildTransferStarted = "RELEASE_CHILD_TRANSFER_STARTED"
    case releaseChildTransferComplete = "RELEASE_CHILD_TRANSFER_COMPLETE"
    case nodeUpgradeStart = "NODE_UPGRADE_START"
    case nodeUpgradeComplete = "NODE_UPGRADE_COMPLETE"
    case nodeUpgradeFailed = "NODE_UPGRADE_FAILED"
}

/// Engine types (19).
public enum EngineType: String, CatalogueValue {
    public static let ordered = allCases
    public static let codes = makeCodes()

    case mysql
    case mongodb
    case cloudDataGuardMySQL = "cloudDataGuard-mysql"
    case gaussdbv5
    case mysqlToKafka = "mysql-to-kafka"
    case taurusToKafka = "taurus-to-kafka"
    case gaussdbv5haToKafka = "gaussdbv5ha-to-kafka"
    case postgresql
    case oracleToMySQL = "oracle-to-mysql"
    case oracleToGaussdbv5 = "oracle-to-gaussdbv5"
    case oracleToGaussdbv5ha = "oracle-to-gaussdbv5ha"
    case gaussdbv5ToOracle = "gaussdbv5-to-oracle"
    case gaussdbv5haToOracle = "gaussdbv5ha-to-oracle"
    case gaussdbv5ToKafka = "gaussdbv5-to-kafka"
    case mysqlToTaurus = "mysql-to-taurus"
    case cloudDataGuardCassandra = "cloudDataGuard-cassandra"
    case cloudDataGuardDDM = "cloudDataGuard-ddm"
    case cloudDataGuardTaurusToMySQL = "cloudDataGuard-taurus-to-mysql"
    case cloudDataGuardMySQLToTaurus = "cloudDataGuard-mysql-to-taurus"
}

/// Operation commands (34), in the canonical order that is also the output order.
public enum JobActionName: String, CatalogueValue {
    public static let ordered = allCases
    public static let codes = makeCodes()

    case create = "CREATE"
    case chooseObject = "CHOOSE_OBJECT"
    case preCheck = "PRE_CHECK"
    case changeMode = "CHANGE_MODE"
    case freeResource = "FREE_RESOURCE"
    case modifyDBConfig = "MODIFY_DB_CONFIG"
    case resetDBPassword = "RESET_DB_PWD"
    case modifyConfiguration = "MODIFY_CONFIGURATION"
    case pause = "PAUSE"
    case start = "START"
    case change = "CHANGE"
    case retry = "RETRY"
    case reset = "RESET"
    case delete = "DELETE"
    case queryPreCheck = "QUERY_PRE_CHECK"
    case switchOver = "SWITCH_OVER"
    case startIncr = "START_INCR"
    case modifyTaskNumber = "MODIFY_TASK_NUMBER"
    case continueJob = "CONTINUE_JOB"
    case stopJob = "STOP_JOB"
    case continueCapture = "CONTINUE_CAPTURE"
    case stopCapture = "STOP_CAPTURE"
    case continueApply = "CONTINUE_APPLY"
    case stopApply = "STOP_APPLY"
    case payOrder = "PAY_ORDER"
    case unsubscribe = "UNSUBSCRIBE"
    case toPeriod = "TO_PERIOD"
    case toRenew = "TO_RENEW"
    case orderInfo = "ORDER_INFO"
    case changeFlavor = "CHANGE_FLAVOR"
    case clone = "CLONE"
    case modifySpecificationID = "MODIFY_SPECIFICATION_ID"
    case jumpRetry = "JUMP_RETRY"
    case apiConfigurationAction = "API_CONFIGURATION_ACTION"
}

/// Migration scenario.
public enum DBUseType: String, CatalogueValue {
    public static let ordered = allCases
    public static let codes = makeCodes()

    case migration
    case sync
    case cloudDataGuard
}

/// Network type.
public enum NetType: String, CatalogueValue {
    public static let ordered = allCases
    public static let codes = makeCodes()

    case vpn
    case vpc
    case eip
}

/// Task direction.
public enum JobDirection: String, CatalogueValue {
    public static let ordered = allCases
    public static let codes = makeCodes()

    case up
    case down
    case nonDBS = "non-dbs"
}

/// Task mode.
public enum TaskType: String, CatalogueValue {
    public static let ordered = allCases
    public static let codes = makeCodes()

    case fullTrans = "FULL_TRANS"
    case fullIncrTrans = "FULL_INCR_TRANS"
    case incrTrans = "INCR_TRANS"
}

/// Billing mode of a task.
public enum ChargingMode: String, CatalogueValue {
    public static let ordered = allCases
    public static let codes = makeCodes()

    case onDemand = "on_demand"
    case period
}

/// An operation in progress on a task.
public enum CurrentAction: String, CatalogueValue {
    public static let ordered = allCases
    public static let codes = makeCodes()

    case switchOver = "SWITCH_OVER"
    case stopJob = "STOP_JOB"
}

/// Accepted values of the request's `service_name`.
public enum ServiceName: String, CaseIterable, Sendable {
    case eps
}
