import Foundation

/// The parts of a `postgres://user:password@host:port/database?sslmode=…` URL. A Unix socket folder may be given as the
/// `host` query parameter, as libpq allows (`postgres://drs@/drs?host=/var/run/postgresql`).
struct URLParts {
    var user: String?
    var password: String?
    var host: String?
    var port: Int?
    var database: String?
    var query: [String: String] = [:]

    init?(_ url: String) {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"), let components = URLComponents(string: url) else { return nil }
        user = components.user?.removingPercentEncoding ?? components.user
        password = components.password?.removingPercentEncoding ?? components.password
        port = components.port
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        host = query["host"] ?? components.host
        if host?.isEmpty ?? true { host = nil }
    }
}
