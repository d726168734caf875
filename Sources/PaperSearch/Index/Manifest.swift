/// `manifest.json`: what a generation is, written last, so that a generation without one is incomplete.
///
///     {"format": "PaperSearch index", "formatVersion": 9, "buildID": "<32 hex digits>",
///      "createdAt": "2026-11-23T20:00:00Z", "analyzer": {"name": "standard/english/lucene-33", "version": 1},
///      "documentCount": 130, "termCount": 9000, "postingCount": 20000,
///      "titleLengthTotal": 1300, "abstractLengthTotal": 20000,
///      "bm25": {"k1": 1.2, "b": 0.75, "titleWeight": 2, "authorWeight": 0.5},
///      "files": [{"name": "terms.pst", "length": 123, "crc32": 305419896}, ...],
///      "corpus": {"papersRead": 132, "duplicatesMerged": 2, "skipped": 0},
///      "checksum": "crc32:1a2b3c4d"}
///
/// `bm25` records the parameters the stored score bounds were computed with. `checksum` is the CRC-32 of every
/// byte before `,"checksum"` (`ChecksummedJSON`).
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

    /// The manifest as written: one line of JSON ending with its checksum (`ChecksummedJSON`).
    var bytes: [UInt8] { ChecksummedJSON.bytes(json) }

    /// Parses a manifest and checks its checksum; any missing or ill-typed field is reported as damage to `path`.
    init(bytes: [UInt8], path: String) throws(IndexError) {
        let fields = try ChecksummedJSON.fields(bytes, path: path)
        let version = try fields.integer("formatVersion")
        guard version >= 0, version <= Int(UInt32.max) else { throw fields.corrupt("bad formatVersion") }
        formatVersion = UInt32(version)
        if formatVersion < IndexFormat.supportedVersions.lowerBound {
            throw .formatTooOld(file: path, found: formatVersion, supported: IndexFormat.supportedVersions)
        }
        if formatVersion > IndexFormat.supportedVersions.upperBound {
            throw .formatTooNew(file: path, found: formatVersion, supported: IndexFormat.supportedVersions)
        }
        // The version is read first, so that an older index is reported as such rather than as damaged.
        try ChecksummedJSON.check(bytes, path: path)
        guard let id = BuildID(hex: try fields.string("buildID")) else { throw fields.corrupt("bad buildID") }
        buildID = id
        createdAt = try fields.string("createdAt")
        let analyzer = try fields.object("analyzer")
        analyzerName = try analyzer.string("name")
        analyzerVersion = try analyzer.integer("version")
        documentCount = try fields.integer("documentCount")
        termCount = try fields.integer("termCount")
        postingCount = try fields.integer("postingCount")
        titleLengthTotal = try fields.integer("titleLengthTotal")
        abstractLengthTotal = try fields.integer("abstractLengthTotal")
        let bm25 = try fields.object("bm25")
        parameters = BM25Parameters(k1: try bm25.double("k1"), b: try bm25.double("b"),
                                    titleWeight: try bm25.double("titleWeight"), authorWeight: try bm25.double("authorWeight"))
        var files: [FileEntry] = []
        for file in try fields.array("files") {
            files.append(FileEntry(name: try file.string("name"), length: try file.integer("length"), crc32: try file.checksum("crc32")))
        }
        self.files = files
        if let corpus = try? fields.object("corpus") {
            papersRead = corpus.object["papersRead"]?.integerValue ?? documentCount
            duplicatesMerged = corpus.object["duplicatesMerged"]?.integerValue ?? 0
            skipped = corpus.object["skipped"]?.integerValue ?? 0
        } else {
            papersRead = documentCount
            duplicatesMerged = 0
            skipped = 0
        }
        guard documentCount >= 0, documentCount < Int(UInt32.max), titleLengthTotal >= 0, abstractLengthTotal >= 0 else {
            throw fields.corrupt("bad statistics")
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
