/// An open index: immutable, memory-mapped, shared by any number of threads and searchers.
///
/// Opening reads `CURRENT` and the generation's manifest, maps every file, and checks what is cheap to
/// check: each header (magic, codec, format version, build id), each footer, each length and stored
/// checksum against the manifest. Nothing else is read until a search touches it. `verify()` recomputes
/// every checksum and walks every structure.
public final class SearchIndex: Sendable {
    /// The index directory.
    public let path: String
    /// The generation directory name, e.g. "gen-000003".
    public let generation: String
    let manifest: Manifest
    /// The manifest's bytes as read when opening (for `verify` once the generation is gone from disk).
    let manifestBytesAtOpen: [UInt8]
    let analyzer: Analyzer
    let terms: TermDictionary
    let postings: MappedFile
    let postingsEnd: Int
    let positions: MappedFile
    let positionsEnd: Int
    let norms: Norms
    let documents: DocStore
    let values: DocValues

    /// Opens the live generation of the index at `path`.
    public static func open(at path: String) throws(IndexError) -> SearchIndex {
        let directory = IndexDirectory(root: path)
        // A build may publish a new generation and delete this one between reading CURRENT and opening its
        // files; then CURRENT names a newer generation, and a second try succeeds.
        var attempt = 0
        while true {
            attempt += 1
            guard let generation = try directory.currentGeneration() else { throw .notFound(path: path) }
            do {
                return try SearchIndex(directory: directory, generation: generation)
            } catch let error {
                if case let .io(.io(_, _, errno)) = error, errno == .noSuchFile, attempt < 3 { continue }
                throw error
            }
        }
    }

    private init(directory: IndexDirectory, generation: String) throws(IndexError) {
        path = directory.root
        self.generation = generation
        let folder = directory.path(generation)
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
        (postings, postingsEnd) = (postingsFile.0, postingsFile.1.upperBound)
        (positions, positionsEnd) = (positionsFile.0, positionsFile.1.upperBound)
        norms = try Norms(file: normsFile.0, body: normsFile.1, documentCount: manifest.documentCount)
        documents = try DocStore(file: docsFile.0, body: docsFile.1, documentCount: manifest.documentCount)
        values = try DocValues(file: valuesFile.0, body: valuesFile.1, documentCount: manifest.documentCount)
        guard terms.termCount == manifest.termCount else {
            throw .corrupt(file: terms.file.path, reason: "holds \(terms.termCount) terms, the manifest says \(manifest.termCount)")
        }
    }

    /// The index as last published in its folder: this one when nothing was published since it was opened,
    /// else the newer generation, opened (this one stays readable for the searches that hold it). Costs one
    /// small read when nothing changed; a long-lived program calls it before each request.
    public func reopened() throws(IndexError) -> SearchIndex {
        guard let current = try IndexDirectory(root: path).currentGeneration(), current != generation else { return self }
        return try SearchIndex.open(at: path)
    }

    /// The number of papers in the index.
    public var documentCount: Int { manifest.documentCount }

    /// The paper with document number `document`.
    public func paper(at document: Int) throws(IndexError) -> Paper { try documents.paper(document) }

    /// The document number of a paper id, or nil. The id may be written as people write ids: an arXiv id
    /// with a version, an `arXiv:` prefix or as an arxiv.org URL (`PaperID.lookupForms`); the id as given is
    /// tried first.
    public func documentNumber(forID id: String) throws(IndexError) -> Int? {
        for form in PaperID.lookupForms(id) {
            if let info = try terms.lookup([FieldNamespace.id.rawValue] + Array(form.utf8)), info.documentFrequency == 1 {
                return Int(info.singleDocument)
            }
        }
        return nil
    }

    /// How many papers hold an (analysed) word of the title or abstract (for benchmarks and tools).
    package func documentFrequency(ofWord word: [UInt8]) throws(IndexError) -> Int {
        try termInfo(.text, word)?.documentFrequency ?? 0
    }

    func termInfo(_ namespace: FieldNamespace, _ term: [UInt8]) throws(IndexError) -> TermInfo? {
        try terms.lookup([namespace.rawValue] + term)
    }

    func cursor(_ info: TermInfo) -> PostingsCursor {
        PostingsCursor(info: info, postings: postings, postingsEnd: postingsEnd, documentCount: documentCount)
    }

    /// BM25 statistics of the index.
    var statistics: BM25.Statistics { manifest.statistics }
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
