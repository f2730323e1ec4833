/// A validated `POST /v3/{project_id}/jobs` request: which tasks, and which page of them.
public struct JobQuery: Equatable, Sendable {
    /// Which slice of the ordered matches to answer with.
    public enum Paging: Equatable, Sendable {
        /// Every matching task, streamed.
        case all
        /// `limit` tasks after skipping `offset` (an offset past `Int.max` is represented by `Int.max`).
        case page(offset: Int, limit: Int)
    }

    /// The `name` filter of §2.
    public enum NameFilter: Equatable, Sendable {
        /// Task IDs, exact match.
        case ids([String])
        /// ID equal to the text, or name containing it (case-insensitive, no wildcards).
        case text(String)
    }

    /// One `tags` pair: a task matches when it has the key, and the value unless `value` is nil.
    public struct TagFilter: Equatable, Sendable {
        public var key: String
        public var value: String?

        public init(key: String, value: String?) {
            self.key = key
            self.value = value
        }
    }

    public var paging: Paging = .page(offset: 0, limit: 10)
    public var dbUseType: DBUseType
    public var engineType: EngineType? = .mysql
    public var enterpriseProjectID: String?
    public var name: NameFilter?
    public var netType: NetType?
    public var status: JobStatus?
    public var tags: [TagFilter] = []
    public var instanceIDs: [String] = []
    /// Canonical form (see ``IPAddress``).
    public var instanceIP: String?

    public init(dbUseType: DBUseType) {
        self.dbUseType = dbUseType
    }

    /// Case folding shared by stored names and searched text (Unicode lower-casing; see the README).
    public static func fold(_ text: String) -> String { text.lowercased() }

    /// Tasks in `DELETED` are left out unless asked for by status.
    public var excludesDeleted: Bool { status != .deleted }
}
