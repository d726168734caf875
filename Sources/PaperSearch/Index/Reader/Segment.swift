/// One segment of an index, memory-mapped: a folder of immutable files written by one build (see
/// `IndexFormat`), with document numbers from 0. A commit (`SearchIndex`) is a list of segments and the
/// papers deleted from each; a segment never changes once written, so commits share it and a reopened
/// index keeps the segments it already has mapped.
///
/// Opening reads the manifest, maps every file, and checks what is cheap to check: each header (magic,
/// codec, format version, build id), each footer, each length and stored checksum against the manifest.
/// Nothing else is read until a search touches it.
final class Segment: Sendable {
    /// The folder's name in the index, e.g. "seg-000003".
    let name: String
    /// The folder's path.
    let folder: String
    let manifest: Manifest
    /// The manifest's bytes as read when opening (for `verify` once the segment is gone from disk).
    let manifestBytesAtOpen: [UInt8]
    let analyzer: Analyzer
    let terms: TermDictionary
    /// What cursors read: postings, positions and the dictionary's mapped files.
    let files: SegmentFiles
    var postings: MappedFile { files.postings }
    var positions: MappedFile { files.positions }
    let norms: Norms
    let documents: DocStore
    let values: DocValues

    init(folder: String, name: String) throws(IndexError) {
        self.name = name
        self.folder = folder
        let manifestPath = folder + "/" + Manifest.fileName
        let manifestBytes: [UInt8]
        do { manifestBytes = try FileByteSource.readAll(path: manifestPath, limit: Manifest.sizeLimit) } catch { throw .io(error) }
        let manifest = try Manifest(bytes: manifestBytes, path: manifestPath)
        self.manifest = manifest
        manifestBytesAtOpen = manifestBytes
        guard let analyzer = Analyzer(name: manifest.analyzerName), manifest.analyzerVersion == Analyzer.version else {
            throw .analyzerMismatch(found: "\(manifest.analyzerName) v\(manifest.analyzerVersion)",
                                    expected: "\(Analyzer.english.name) v\(Analyzer.version)")
        }
        self.analyzer = analyzer

        func open(_ component: IndexComponent) throws(IndexError) -> (MappedFile, Range<Int>) {
            let filePath = folder + "/" + component.fileName
            guard let entry = manifest.files.first(where: { $0.name == component.fileName }) else {
                throw .corrupt(file: manifestPath, reason: "lists no \(component.fileName)")
            }
            let file: MappedFile
            do { file = try MappedFile(path: filePath) } catch { throw .io(error) }
            guard file.count == entry.length else {
                if file.count < entry.length { throw .truncated(file: filePath, length: file.count, needed: entry.length) }
                throw .corrupt(file: filePath, reason: "\(file.count) bytes, the manifest says \(entry.length)")
            }
            let body = try FileEnvelope.check(file, component: component, buildID: manifest.buildID)
            let stored = FileEnvelope.storedChecksum(file)
            guard stored == entry.crc32 else { throw .checksumMismatch(file: filePath, expected: entry.crc32, actual: stored) }
            return (file, body)
        }
        let termsFile = try open(.terms), postingsFile = try open(.postings), positionsFile = try open(.positions)
        let normsFile = try open(.norms), docsFile = try open(.docs), valuesFile = try open(.values)
        terms = try TermDictionary(file: termsFile.0, body: termsFile.1)
        files = SegmentFiles(postings: postingsFile.0, postingsEnd: postingsFile.1.upperBound, positions: positionsFile.0,
                             positionsEnd: positionsFile.1.upperBound, terms: termsFile.0)
        norms = try Norms(file: normsFile.0, body: normsFile.1, documentCount: manifest.documentCount)
        documents = try DocStore(file: docsFile.0, body: docsFile.1, documentCount: manifest.documentCount)
        values = try DocValues(file: valuesFile.0, body: valuesFile.1, documentCount: manifest.documentCount)
        guard terms.termCount == manifest.termCount else {
            throw .corrupt(file: terms.file.path, reason: "holds \(terms.termCount) terms, the manifest says \(manifest.termCount)")
        }
    }

    /// The number of papers stored in the segment, deleted ones included.
    var documentCount: Int { manifest.documentCount }

    /// The statistics the segment was built with (its stored score bounds assume them).
    var buildStatistics: BM25.Statistics { manifest.statistics }

    func termInfo(_ key: [UInt8]) throws(IndexError) -> TermInfo? { try terms.lookup(key) }

    func cursor(_ info: TermInfo?) -> PostingsCursor {
        guard let info else { return PostingsCursor.empty(files) }
        return PostingsCursor(info: info, in: files, documentCount: documentCount)
    }
}

extension Analyzer {
    /// The analyzer of a recorded name ("standard/english/lucene-33"), if this PaperSearch has it.
    init?(name: String) {
        let parts = name.split(separator: "/")
        guard parts.count == 3, parts[0] == "standard", let stemmer = Stemmer(rawValue: String(parts[1])) else { return nil }
        switch parts[2] {
        case Substring(StopWords.lucene.name): self.init(stemmer: stemmer, stopWords: .lucene)
        case Substring(StopWords.none.name): self.init(stemmer: stemmer, stopWords: .none)
        default: return nil
        }
    }
}
