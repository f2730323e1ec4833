import Synchronization

/// Facet chunks already read and decoded, shared by a store's connections. A chunk is stored with a version (a random
/// number drawn whenever the writer rewrites it), and found here only by that version, so an entry can never be
/// stale: a reader reads the versions of its snapshot (a few bytes per chunk, no overflow pages) and decodes only
/// the chunks it has not seen. Bounded: emptied when it would pass ``limit`` bytes.
final class FacetChunkCache: Sendable {
    struct Key: Hashable, Sendable {
        var tenant: Int64
        var facet: String
        var chunk: Int64
        var version: Int64
    }

    private struct State {
        var chunks: [Key: BitChunk] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    let limit: Int

    init(limit: Int = 64 << 20) {
        self.limit = limit
    }

    func chunk(_ key: Key) -> BitChunk? {
        state.withLock { $0.chunks[key] }
    }

    func add(_ chunk: BitChunk, for key: Key) {
        let size = chunk.byteCount + key.facet.utf8.count + 64
        state.withLock { state in
            if state.bytes + size > limit {
                state.chunks.removeAll()
                state.bytes = 0
            }
            if state.chunks.updateValue(chunk, forKey: key) == nil { state.bytes += size }
        }
    }
}

extension BitChunk {
    /// The memory the chunk's members take.
    var byteCount: Int {
        switch self {
        case .array(let members): return members.count * 2
        case .bitmap: return Self.bitmapBytes
        }
    }
}
