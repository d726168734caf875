/// `commit-NNNNNN.json`: the index at one moment — its segments in order, the papers deleted from each, and
/// the corpus files it was built from. `CURRENT` names the live commit; a commit never changes once written.
///
///     {"format": "PaperSearch commit", "formatVersion": 9, "createdAt": "2026-12-06T09:00:00Z",
///      "segments": [{"name": "seg-000003", "documentCount": 5183,
///                    "deletions": {"file": "seg-000003-del-000009.psx", "count": 2, "length": 4096, "crc32": 305419896}},
///                   {"name": "seg-000009", "documentCount": 40, "deletions": null}],
///      "sources": {"directory": "/home/ada/papers", "roots": ["Corpus"],
///                  "files": [{"path": "Corpus/a.jsonl", "size": 52311, "modified": 1765011600000000000,
///                             "crc32": 305419896, "papers": 120, "ids": "src-000009-0.psi"}]},
///      "checksum": "crc32:1a2b3c4d"}
///
/// A segment's document numbers follow those of the segments before it. `deletions` names the segment's
/// deletion file (`DeletionsFile`), or is null when none of its papers is deleted. `sources` is null when
/// no corpus file is recorded (the index was built from standard input or a pipe, or by a program);
/// else `roots` are the paths it was built from as they were given, `directory` the working directory they
/// were given in, and `files` the corpus files found under them (paths as read), each with what tells
/// whether it changed (size, modification time in nanoseconds, CRC-32 of its bytes) and the file of the ids
/// it gave (`SourceIDs`). `checksum` as in every JSON file of an index (`ChecksummedJSON`).
struct Commit: Equatable, Sendable {
    struct SegmentEntry: Equatable, Sendable {
        var name: String
        var documentCount: Int
        var deletions: DeletionsEntry?
        var deletedCount: Int { deletions?.count ?? 0 }
        var liveCount: Int { documentCount - deletedCount }
    }

    struct DeletionsEntry: Equatable, Sendable {
        var file: String
        var count: Int
        var length: Int
        var crc32: UInt32
    }

    /// What the index was built from.
    struct Sources: Equatable, Sendable {
        var directory: String
        var roots: [String]
        var files: [Source]

        /// A path as recorded, made absolute against `directory`.
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : (directory.hasSuffix("/") ? directory : directory + "/") + path
        }

        /// The roots as paths to read from `workingDirectory`: as given when that is the directory they were
        /// given in (so the paths read, and recorded again, stay as the user wrote them), else made absolute.
        func roots(readFrom workingDirectory: String) -> [String] {
            let here = directory == workingDirectory
            return roots.map { here ? $0 : absolute($0) }
        }
    }

    /// One corpus file.
    struct Source: Equatable, Sendable {
        var path: String
        var size: Int
        var modified: Int
        var crc32: UInt32
        var papers: Int
        var ids: String
    }

    var formatVersion: UInt32 = IndexFormat.currentVersion
    var createdAt: String
    var segments: [SegmentEntry]
    var sources: Sources?

    /// A commit is small; anything this large is not one (a million sources would be 200 MB).
    static let sizeLimit = 256 << 20

    init(createdAt: String, segments: [SegmentEntry], sources: Sources?) {
        self.createdAt = createdAt
        self.segments = segments
        self.sources = sources
    }

    /// The papers of the index (deleted ones excluded).
    var liveCount: Int { segments.reduce(0) { $0 + $1.liveCount } }

    /// Every file and folder name the commit needs (in the index folder).
    var referencedNames: Set<String> {
        var names = Set(segments.map(\.name))
        for segment in segments { if let deletions = segment.deletions { names.insert(deletions.file) } }
        for source in sources?.files ?? [] { names.insert(source.ids) }
        return names
    }

    var json: JSONValue {
        .object(JSONObject([
            ("format", .string("PaperSearch commit")),
            ("formatVersion", .integer(Int(formatVersion))),
            ("createdAt", .string(createdAt)),
            ("segments", .array(segments.map { segment in
                .object(JSONObject([
                    ("name", .string(segment.name)), ("documentCount", .integer(segment.documentCount)),
                    ("deletions", segment.deletions.map { deletions in
                        .object(JSONObject([("file", .string(deletions.file)), ("count", .integer(deletions.count)),
                                            ("length", .integer(deletions.length)), ("crc32", .integer(Int(deletions.crc32)))]))
                    } ?? .null),
                ]))
            })),
            ("sources", sources.map { sources in
                .object(JSONObject([
                    ("directory", .string(sources.directory)), ("roots", .array(sources.roots.map { .string($0) })),
                    ("files", .array(sources.files.map { source in
                        .object(JSONObject([
                            ("path", .string(source.path)), ("size", .integer(source.size)), ("modified", .integer(source.modified)),
                            ("crc32", .integer(Int(source.crc32))), ("papers", .integer(source.papers)), ("ids", .string(source.ids)),
                        ]))
                    })),
                ]))
            } ?? .null),
        ]))
    }

    var bytes: [UInt8] { ChecksummedJSON.bytes(json) }

    /// Reads commit `name` (e.g. "commit-000009") of the index in `directory`: the commit, and its bytes as
    /// read.
    static func read(_ name: String, in directory: IndexDirectory) throws(IndexError) -> (commit: Commit, bytes: [UInt8]) {
        let path = directory.path(IndexDirectory.commitFileName(name))
        let bytes: [UInt8]
        do { bytes = try FileByteSource.readAll(path: path, limit: Commit.sizeLimit) } catch { throw .io(error) }
        return (try Commit(bytes: bytes, path: path), bytes)
    }

    init(bytes: [UInt8], path: String) throws(IndexError) {
        let fields = try ChecksummedJSON.fields(bytes, path: path)
        guard (try? fields.string("format")) == "PaperSearch commit" else { throw fields.corrupt("not a PaperSearch commit") }
        let version = try fields.integer("formatVersion")
        guard version >= 0, version <= Int(UInt32.max) else { throw fields.corrupt("bad formatVersion") }
        formatVersion = UInt32(version)
        if formatVersion > IndexFormat.supportedVersions.upperBound {
            throw .formatTooNew(file: path, found: formatVersion, supported: IndexFormat.supportedVersions)
        }
        try ChecksummedJSON.check(bytes, path: path)
        createdAt = try fields.string("createdAt")
        var segments: [SegmentEntry] = []
        for segment in try fields.array("segments") {
            let name = try segment.string("name")
            guard IndexDirectory.segmentNumber(name) != nil else { throw fields.corrupt("bad segment name \"\(name.prefix(40))\"") }
            var entry = SegmentEntry(name: name, documentCount: try segment.count("documentCount"), deletions: nil)
            if segment.has("deletions") {
                let deletions = try segment.object("deletions")
                let file = try deletions.string("file")
                guard IndexDirectory.deletionsNumber(file)?.segment == name else { throw fields.corrupt("bad deletions file name") }
                entry.deletions = DeletionsEntry(file: file, count: try deletions.count("count"), length: try deletions.count("length"),
                                                 crc32: try deletions.checksum("crc32"))
                guard entry.deletedCount <= entry.documentCount else { throw fields.corrupt("more deletions than papers") }
            }
            guard entry.documentCount < Int(UInt32.max) else { throw fields.corrupt("bad documentCount") }
            segments.append(entry)
        }
        guard segments.reduce(0, { $0 + $1.documentCount }) < Int(UInt32.max) else { throw fields.corrupt("too many papers") }
        self.segments = segments
        guard fields.has("sources") else {
            sources = nil
            return
        }
        let object = try fields.object("sources")
        guard case let .array(values)? = object.object["roots"] else { throw fields.corrupt("bad \"roots\"") }
        var roots: [String] = []
        for value in values {
            guard case let .string(root) = value else { throw fields.corrupt("bad \"roots\"") }
            roots.append(root)
        }
        var files: [Source] = []
        for source in try object.array("files") {
            let ids = try source.string("ids")
            guard IndexDirectory.sourceIDsNumber(ids) != nil else { throw fields.corrupt("bad source ids file name") }
            files.append(Source(path: try source.string("path"), size: try source.count("size"), modified: try source.integer("modified"),
                                crc32: try source.checksum("crc32"), papers: try source.count("papers"), ids: ids))
        }
        sources = Sources(directory: try object.string("directory"), roots: roots, files: files)
    }
}
