import DRSDomain

/// The query contract (`query-jobs.md` §2, §3) written as plainly as possible over records in memory: the oracle that
/// the stores are checked against. It shares nothing with the stores' code.
public enum ReferenceQuery {
    /// Whether a top-level `record` matches `query`.
    public static func matches(_ record: JobRecord, _ query: JobQuery) -> Bool {
        guard record.dbUseType == query.dbUseType else { return false }
        if let status = query.status {
            guard record.status == status else { return false }
        } else if record.status == .deleted {
            return false
        }
        if let engine = query.engineType, record.engineType != engine { return false }
        if let net = query.netType, record.netType != net { return false }
        if let eps = query.enterpriseProjectID, record.enterpriseProjectID != eps { return false }
        switch query.name {
        case .ids(let ids):
            guard ids.contains(record.id) else { return false }
        case .text(let text):
            guard record.id == text || record.name.lowercased().contains(text.lowercased()) else { return false }
        case nil:
            break
        }
        let instances = [record.sourceInstance, record.targetInstance].compactMap { $0 }
        if !query.instanceIDs.isEmpty, !instances.contains(where: { $0.id.map(query.instanceIDs.contains) ?? false }) { return false }
        if let ip = query.instanceIP, !instances.contains(where: { $0.ip == ip }) { return false }
        for tag in query.tags {
            guard record.tags.contains(where: { $0.key == tag.key && (tag.value == nil || $0.value == tag.value) }) else { return false }
        }
        return true
    }

    /// The matches in answer order: `create_time` descending, then `id` ascending (byte order).
    public static func answer(_ records: [JobRecord], _ query: JobQuery) -> [JobRecord] {
        records.filter { matches($0, query) }.sorted { lhs, rhs in
            lhs.createTime != rhs.createTime ? lhs.createTime > rhs.createTime : Array(lhs.id.utf8).lexicographicallyPrecedes(Array(rhs.id.utf8))
        }
    }
}
