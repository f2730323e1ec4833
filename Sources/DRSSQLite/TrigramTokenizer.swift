import VaporCSQLite

/// `drs_trigram`, the FTS5 tokenizer of drs's per-tenant name index.
///
/// Indexed text and query text are `<scope>|<case-folded name>`. Every token is the scope followed by three characters
/// of the name, so a name search reads only the index entries of its own scope (one tenant's list), however many other
/// tenants there are. In documents, each character starts one token; the last two tokens are padded with 0xFF bytes,
/// which never occur in UTF-8, so that every substring of one or two characters is the prefix of some token.
///
/// Queries: a phrase of three or more characters becomes its consecutive trigrams (a phrase match is then exactly a
/// substring match); a prefix query (`"…" *`) of one or two characters becomes one token, matched as a token prefix.
public enum TrigramTokenizer {
    public static let name = "drs_trigram"
    /// Separates the scope from the text.
    public static let separator = UInt8(ascii: "|")
    static let pad: UInt8 = 0xFF

    /// The text to index or to search for `folded` in `scope` (which must not contain `|`).
    public static func text(scope: String, folded: String) -> String {
        scope + "|" + folded
    }

    static func register(on connection: SQLiteConnection) throws(SQLiteError) {
        let statement = try connection.prepare("SELECT fts5(?1)")
        var api: UnsafeMutablePointer<fts5_api>?
        let code = withUnsafeMutablePointer(to: &api) { pointer in
            sqlite_nio_sqlite3_bind_pointer(statement.handle, 1, pointer, "fts5_api_ptr", nil)
        }
        guard code == SQLITE_OK else { throw SQLiteError.last(connection.handle, code: code) }
        _ = try statement.step()
        guard let api, api.pointee.iVersion >= 3 else {
            throw SQLiteError(code: SQLITE_ERROR, message: "FTS5 (version 3 or later) is not available")
        }
        var tokenizer = fts5_tokenizer_v2(iVersion: 2, xCreate: create, xDelete: delete, xTokenize: tokenize)
        let result = api.pointee.xCreateTokenizer_v2(api, name, nil, &tokenizer, nil)
        guard result == SQLITE_OK else { throw SQLiteError.last(connection.handle, code: result) }
    }

    /// Any non-NULL pointer will do: the tokenizer keeps no state.
    nonisolated(unsafe) private static let instance = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    private static let create:
        @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafePointer<CChar>?>?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Int32 =
            {
                _,
                _,
                _,
                out in
                out?.pointee = OpaquePointer(TrigramTokenizer.instance)
                return SQLITE_OK
            }

    private static let delete: @convention(c) (OpaquePointer?) -> Void = { _ in }

    private static let tokenize:
        @convention(c) (
            OpaquePointer?, UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, Int32,
            (@convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int32, Int32, Int32) -> Int32)?
        ) -> Int32 = { _, context, flags, text, length, _, _, emit in
            guard let text, let emit, length > 0 else { return SQLITE_OK }
            let bytes = UnsafeRawBufferPointer(start: text, count: Int(length))
            return TrigramTokenizer.tokens(
                of: bytes,
                isQuery: flags & FTS5_TOKENIZE_QUERY != 0,
                isPrefix: flags & FTS5_TOKENIZE_PREFIX != 0
            ) { token, start, end in
                token.withMemoryRebound(to: CChar.self) { emit(context, 0, $0.baseAddress, Int32($0.count), Int32(start), Int32(end)) }
            }
        }

    /// Calls `emit` with each token of `input` (`<scope>|<text>`), its start and end byte offsets; stops at the first
    /// result other than `SQLITE_OK` and returns it.
    static func tokens(
        of input: UnsafeRawBufferPointer,
        isQuery: Bool,
        isPrefix: Bool,
        _ emit: (UnsafeBufferPointer<UInt8>, Int, Int) -> Int32
    ) -> Int32 {
        guard let split = input.firstIndex(of: separator) else { return SQLITE_OK }
        let scope = UnsafeRawBufferPointer(rebasing: input[...split])
        let textStart = split + 1
        /// The byte offset where the character after the one at `offset` starts (a UTF-8 lead byte is not 10xxxxxx).
        func nextCharacter(_ offset: Int) -> Int {
            var next = offset + 1
            while next < input.count, input[next] & 0xC0 == 0x80 { next += 1 }
            return next
        }
        var characters = 0
        var offset = textStart
        while offset < input.count {
            characters += 1
            offset = nextCharacter(offset)
        }
        guard characters > 0 else { return SQLITE_OK }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scope.count + 16) { buffer in
            _ = buffer.initialize(from: scope)
            /// The token of `count` characters from byte `start`, padded to three characters when `pad`.
            func token(from start: Int, _ count: Int, pad: Bool) -> Int32 {
                var end = start
                var taken = 0
                while taken < count, end < input.count {
                    end = nextCharacter(end)
                    taken += 1
                }
                var length = scope.count
                for index in start..<end {
                    buffer[length] = input[index]
                    length += 1
                }
                if pad {
                    for _ in taken..<count {
                        buffer[length] = TrigramTokenizer.pad
                        length += 1
                    }
                }
                return emit(UnsafeBufferPointer(rebasing: buffer[..<length]), start, end)
            }
            if isQuery {
                if isPrefix || characters < 3 { return token(from: textStart, min(characters, 3), pad: false) }
                var start = textStart
                for _ in 0...(characters - 3) {
                    let result = token(from: start, 3, pad: false)
                    if result != SQLITE_OK { return result }
                    start = nextCharacter(start)
                }
                return SQLITE_OK
            }
            var start = textStart
            for _ in 0..<characters {
                let result = token(from: start, 3, pad: true)
                if result != SQLITE_OK { return result }
                start = nextCharacter(start)
            }
            return SQLITE_OK
        }
    }
}
