/// Why a store operation failed, in terms the callers act on.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The database cannot be reached or used right now (locked, missing, read-only, disk full, no connection…).
    case unavailable(String)
    case projectExists(String)
    case projectNotFound(String)
    /// An imported ID belongs to another project; `path` is where it is in the import document.
    case idInOtherProject(path: String, id: String)
    /// The database holds something this version cannot read.
    case corrupt(String)
    case userExists(domain: String, name: String)
    /// A value the database cannot hold (a create time outside the years 1 to 9999, for example).
    case unsupported(String)

    public var description: String {
        switch self {
        case .unavailable(let cause): return "database unavailable: \(cause)"
        case .projectExists(let id): return "project \(id) already exists"
        case .projectNotFound(let id): return "project \(id) does not exist"
        case .idInOtherProject(let path, let id): return "\(path): id \"\(id)\" belongs to another project"
        case .corrupt(let what): return "unreadable data in the database: \(what)"
        case .userExists(let domain, let name): return "user \(name) already exists in domain \(domain)"
        case .unsupported(let what): return what
        }
    }
}
