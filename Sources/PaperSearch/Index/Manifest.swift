/// `manifest.json`: what a generation is, written last, so that a generation without one is incomplete.
///
///     {"format": "PaperSearch index", "formatVersion": 1, "buildID": "<32 hex digits>",
///      "createdAt": "2026-11-23T20:00:00Z", "analyzer": {"name": "standard/english/lucene-33", "version": 1},
///      "documentCount": 130, "termCount": 9000, "postingCount": 20000,
///      "titleLengthTotal": 1300, "abstractLengthTotal": 20000,
///      "bm25": {"k1": 1.2, "b": 0.75, "titleWeight": 2, "authorWeight": 0.5},
///      "files": [{"name": "terms.pst", "length": 123, "crc32": 305419896}, ...],
///      "corpus": {"papersRead": 132, "duplicatesMerged": 2, "skipped": 0},
///      "checksum": "crc32:1a2b3c4d"}
///
/// `bm25` records the parameters the stored score bounds were computed with. `checksum` is the CRC-32 of every
/// byte before `,"checksum"`: the manifest is the one file without a binary footer, and it is checked
/// whenever it is read.
struct Manifest: Equatable, Sendable {
    struct FileEntry: Equatable, Sendable {
        var name: String
        var length: Int
        var crc32: UInt32
    }

    var formatVersion: UInt32 = IndexFormat.currentVersion
    var buildID: BuildID
    var createdAt: String
    var analyzerName: String
    var analyzerVersion: Int
    var documentCount: Int
    var termCount: Int
    var postingCount: Int
    var titleLengthTotal: Int
    var abstractLengthTotal: Int
    var parameters: BM25Parameters
    var files: [FileEntry]
    var papersRead: Int
    var duplicatesMerged: Int
    var skipped: Int

    static let fileName = "manifest.json"
    /// A manifest is a few hundred bytes; anything this large is not one.
    static let sizeLimit = 1 << 20

    var statistics: BM25.Statistics {
        BM25.Statistics(
            documentCount: documentCount,
            averageTitleLength: documentCount > 0 ? Double(titleLengthTotal) / Double(documentCount) : 0,
            averageAbstractLength: documentCount > 0 ? Double(abstractLengthTotal) / Double(documentCount) : 0)
    }

    var json: JSONValue {
        .object(JSONObject([
            ("format", .string("PaperSearch index")),
            ("formatVersion", .integer(Int(formatVersion))),
            ("buildID", .string(buildID.description)),
            ("createdAt", .string(createdAt)),
            ("analyzer", .object(JSONObject([("name", .string(analyzerName)), ("version", .integer(analyzerVersion))]))),
            ("documentCount", .integer(documentCount)),
            ("termCount", .integer(termCount)),
            ("postingCount", .integer(postingCount)),
            ("titleLengthTotal", .integer(titleLengthTotal)),
            ("abstractLengthTotal", .integer(abstractLengthTotal)),
            ("bm25", .object(JSONObject([("k1", .double(parameters.k1)), ("b", .double(parameters.b)),
                                         ("titleWeight", .double(parameters.titleWeight)),
                                         ("authorWeight", .double(parameters.authorWeight))]))),
            ("files", .array(files.map { file in
                .object(JSONObject([("name", .string(file.name)), ("length", .integer(file.length)),
                                    ("crc32", .integer(Int(file.crc32)))]))
            })),
            ("corpus", .object(JSONObject([("papersRead", .integer(papersRead)),
                                           ("duplicatesMerged", .integer(duplicatesMerged)), ("skipped", .integer(skipped))]))),
        ]))
    }

    private static let checksumKey = Array(",\"checksum\":\"crc32:".utf8)

    /// The manifest as written: one line of JSON ending with its checksum.
    var bytes: [UInt8] {
        var writer = JSONWriter()
        writer.write(json)
        var bytes = writer.bytes
        guard bytes.last == UInt8(ascii: "}") else { return bytes }
        bytes.removeLast()
        let checksum = String(CRC32.checksum(bytes), radix: 16)
        bytes += Manifest.checksumKey + Array((String(repeating: "0", count: 8 - checksum.count) + checksum).utf8)
        bytes += Array("\"}\n".utf8)
        return bytes
    }

    /// Checks the checksum of a manifest as read.
    static func checkChecksum(_ bytes: [UInt8], path: String) throws(IndexError) {
        let key = checksumKey
        var found: Int?
        var start = bytes.count - key.count
        while start >= 0 {
            if bytes[start] == key[0] && bytes[start..<(start + key.count)].elementsEqual(key) {
                found = start
                break
            }
            start -= 1
        }
        guard let at = found else { throw .corrupt(file: path, reason: "the manifest has no checksum") }
        let digits = bytes[(at + key.count)...].prefix(8)
        guard digits.count == 8, let stored = UInt32(String(decoding: digits, as: UTF8.self), radix: 16) else {
            throw .corrupt(file: path, reason: "the manifest's checksum is unreadable")
        }
        let actual = CRC32.checksum(bytes[..<at])
        guard stored == actual else { throw .checksumMismatch(file: path, expected: stored, actual: actual) }
    }

    /// Parses a manifest and checks its checksum; any missing or ill-typed field is reported as damage to `path`.
    init(bytes: [UInt8], path: String) throws(IndexError) {
        func corrupt(_ reason: String) -> IndexError { .corrupt(file: path, reason: reason) }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw corrupt("not valid JSON (\(error.reason) at byte \(error.offset))") }
        guard case let .object(object) = value else { throw corrupt("not a JSON object") }
        func integer(_ key: String, in object: JSONObject) throws(IndexError) -> Int {
            guard let number = object[key]?.integerValue else { throw corrupt("missing or bad \"\(key)\"") }
            return number
        }
        func double(_ key: String, in object: JSONObject) throws(IndexError) -> Double {
            guard let text = object[key]?.stringOrNumberText, let number = Double(text) else { throw corrupt("missing or bad \"\(key)\"") }
            return number
        }
        func string(_ key: String, in object: JSONObject) throws(IndexError) -> String {
            guard case let .string(text)? = object[key] else { throw corrupt("missing or bad \"\(key)\"") }
            return text
        }
        let version = try integer("formatVersion", in: object)
        guard version >= 0, version <= Int(UInt32.max) else { throw corrupt("bad formatVersion") }
        formatVersion = UInt32(version)
        if formatVersion < IndexFormat.supportedVersions.lowerBound {
            throw .formatTooOld(file: path, found: formatVersion, supported: IndexFormat.supportedVersions)
        }
        if formatVersion > IndexFormat.supportedVersions.upperBound {
            throw .formatTooNew(file: path, found: formatVersion, supported: IndexFormat.supportedVersions)
        }
        // The version is read first, so that an older index is reported as such rather than as damaged.
        try Manifest.checkChecksum(bytes, path: path)
        guard let id = BuildID(hex: try string("buildID", in: object)) else { throw corrupt("bad buildID") }
        buildID = id
        createdAt = try string("createdAt", in: object)
        guard case let .object(analyzer)? = object["analyzer"] else { throw corrupt("missing \"analyzer\"") }
        analyzerName = try string("name", in: analyzer)
        analyzerVersion = try integer("version", in: analyzer)
        documentCount = try integer("documentCount", in: object)
        termCount = try integer("termCount", in: object)
        postingCount = try integer("postingCount", in: object)
        titleLengthTotal = try integer("titleLengthTotal", in: object)
        abstractLengthTotal = try integer("abstractLengthTotal", in: object)
        guard case let .object(bm25)? = object["bm25"] else { throw corrupt("missing \"bm25\"") }
        parameters = BM25Parameters(k1: try double("k1", in: bm25), b: try double("b", in: bm25),
                                    titleWeight: try double("titleWeight", in: bm25),
                                    authorWeight: try double("authorWeight", in: bm25))
        guard case let .array(fileValues)? = object["files"] else { throw corrupt("missing \"files\"") }
        var files: [FileEntry] = []
        for fileValue in fileValues {
            guard case let .object(file) = fileValue else { throw corrupt("bad \"files\" entry") }
            let crc = try integer("crc32", in: file)
            guard crc >= 0, crc <= Int(UInt32.max) else { throw corrupt("bad crc32") }
            files.append(FileEntry(name: try string("name", in: file), length: try integer("length", in: file), crc32: UInt32(crc)))
        }
        self.files = files
        if case let .object(corpus)? = object["corpus"] {
            papersRead = corpus["papersRead"]?.integerValue ?? documentCount
            duplicatesMerged = corpus["duplicatesMerged"]?.integerValue ?? 0
            skipped = corpus["skipped"]?.integerValue ?? 0
        } else {
            papersRead = documentCount
            duplicatesMerged = 0
            skipped = 0
        }
        guard documentCount >= 0, documentCount < Int(UInt32.max), titleLengthTotal >= 0, abstractLengthTotal >= 0 else {
            throw corrupt("bad statistics")
        }
    }

    init(buildID: BuildID, createdAt: String, analyzer: Analyzer, documentCount: Int, termCount: Int, postingCount: Int,
         titleLengthTotal: Int, abstractLengthTotal: Int, parameters: BM25Parameters, files: [FileEntry],
         papersRead: Int, duplicatesMerged: Int, skipped: Int) {
        self.buildID = buildID
        self.createdAt = createdAt
        analyzerName = analyzer.name
        analyzerVersion = Analyzer.version
        self.documentCount = documentCount
        self.termCount = termCount
        self.postingCount = postingCount
        self.titleLengthTotal = titleLengthTotal
        self.abstractLengthTotal = abstractLengthTotal
        self.parameters = parameters
        self.files = files
        self.papersRead = papersRead
        self.duplicatesMerged = duplicatesMerged
        self.skipped = skipped
    }
}
