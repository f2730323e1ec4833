import DRSSQLite

/// The facet chunks, and the name chunks with their versions, one connection read, kept while the database has not
/// changed since: no other connection has committed (`PRAGMA data_version` is the same) and this one has changed no
/// row (``SQLiteConnection/totalChanges``). A facet found here then needs neither its chunks' versions read again nor
/// the shared cache asked; a name search neither its versions nor the ``NameIndex``. Any change empties it; so does
/// passing ``limit`` bytes (or 1,024 tenants' name versions, 16 tenants' name chunks). Only its connection's user
/// touches it (the pool lends a connection to one user at a time).
final class ConnectionFacets {
    struct Key: Hashable {
        var tenant: Int64
        var facet: String
    }

    private struct Stamp: Equatable {
        var dataVersion: Int64
        var changes: Int64
    }

    private var stamp: Stamp?
    private var facets: [Key: [Int64: BitChunk]] = [:]
    private var bytes = 0
    /// Per tenant: its chunks of names and their versions (``NameIndex``), as read while the database was unchanged.
    var nameChunks: [Int64: [NameIndex.Key]] = [:] {
        didSet { if nameChunks.count > 1024 { nameChunks.removeAll() } }
    }
    /// Per tenant: its chunks of names themselves, found in the shared ``NameIndex`` by those versions, so that the
    /// next search neither asks the index nor retains a chunk. Kept only for the index's generation they were found
    /// in: once the index lets chunks go, so does the connection.
    var nameViews: [Int64: NameIndex.Held] = [:] {
        didSet { if nameViews.count > 16 { nameViews.removeAll() } }
    }
    static let limit = 8 << 20

    /// The connection's own, made at its first use.
    static func of(_ db: SQLiteConnection) -> ConnectionFacets {
        if let facets = db.attachment as? ConnectionFacets { return facets }
        let facets = ConnectionFacets()
        db.attachment = facets
        return facets
    }

    /// Forgets everything when the database may have changed since the last look (inside a read transaction: the
    /// data version is the snapshot's).
    func validate(_ db: SQLiteConnection) throws {
        let now = Stamp(
            dataVersion: try db.withStatement(Self.dataVersion) { try $0.step() ? $0.int64(0) : -1 },
            changes: db.totalChanges
        )
        if now != stamp {
            facets.removeAll()
            nameChunks.removeAll()
            nameViews.removeAll()
            bytes = 0
            stamp = now
        }
    }

    private static let dataVersion = SQL("PRAGMA data_version")

    func chunks(_ key: Key) -> [Int64: BitChunk]? {
        facets[key]
    }

    func keep(_ chunks: [Int64: BitChunk], for key: Key) {
        let size = chunks.values.reduce(key.facet.utf8.count + 64) { $0 + $1.byteCount + 16 }
        if bytes + size > Self.limit {
            facets.removeAll()
            bytes = 0
        }
        facets[key] = chunks
        bytes += size
    }
}
