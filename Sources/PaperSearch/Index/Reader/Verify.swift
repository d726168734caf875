/// What `papers stats` reports.
public struct IndexStatistics: Sendable {
    public var path: String
    public var generation: String
    public var createdAt: String
    public var analyzer: String
    public var documentCount: Int
    public var termCount: Int
    public var postingCount: Int
    public var averageTitleLength: Double
    public var averageAbstractLength: Double
    public var files: [(name: String, bytes: Int)]
    var bm25: BM25Parameters
    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes } }
}

extension SearchIndex {
    public var statisticsSummary: IndexStatistics {
        let stats = manifest.statistics
        return IndexStatistics(
            path: path, generation: generation, createdAt: manifest.createdAt, analyzer: manifest.analyzerName,
            documentCount: manifest.documentCount, termCount: manifest.termCount, postingCount: manifest.postingCount,
            averageTitleLength: stats.averageTitleLength, averageAbstractLength: stats.averageAbstractLength,
            files: manifest.files.map { ($0.name, $0.length) }, bm25: manifest.parameters)
    }

    /// Checks every byte of every file against its checksum — the manifest on disk too, read again — then
    /// walks every structure: all terms in order (each dictionary block against its checksum), every postings
    /// list and its positions (each block, skip table and block's positions against theirs), every stored
    /// record (each against its own). Throws for the first damage found, naming the file.
    public func verify() throws(IndexError) {
        // The manifest on disk, read again; if a rebuild has removed this generation since it was opened (its
        // mapped files stay readable), the manifest as it was read then.
        let manifestPath = IndexDirectory(root: path).path(generation) + "/" + Manifest.fileName
        var manifestBytes = manifestBytesAtOpen
        do { manifestBytes = try FileByteSource.readAll(path: manifestPath, limit: Manifest.sizeLimit) } catch {
            if case let .io(_, _, errno) = error, errno == .noSuchFile {} else { throw .io(error) }
        }
        guard try Manifest(bytes: manifestBytes, path: manifestPath) == manifest else {
            throw .corrupt(file: manifestPath, reason: "differs from the manifest the index was opened with")
        }
        for file in [terms.file, postings, positions, norms.file, documents.file, values.file] {
            try FileEnvelope.verifyChecksum(file)
        }
        for field in FacetField.stored { _ = try values.column(field) }
        var postingCount = 0
        var positionsBuffer: [UInt32] = []
        try terms.forEachTerm { (_: [UInt8], info: TermInfo) throws(IndexError) in
            var cursor = self.cursor(info)
            var count = 0
            var previous: Int64 = -1
            while cursor.document != PostingsCursor.exhausted {
                guard Int64(cursor.document) > previous else {
                    throw IndexError.corrupt(file: postings.path, reason: "documents out of order")
                }
                previous = Int64(cursor.document)
                cursor.positions(in: positions, positionsEnd: positionsEnd, into: &positionsBuffer)
                guard positionsBuffer.count == Int(cursor.titleFrequency) + Int(cursor.abstractFrequency) else {
                    throw IndexError.corrupt(file: positions.path, reason: cursor.damage ?? "positions do not match frequencies")
                }
                count += 1
                cursor.next()
            }
            if let damage = cursor.damage { throw IndexError.corrupt(file: postings.path, reason: damage) }
            guard count == info.documentFrequency else {
                throw IndexError.corrupt(file: postings.path, reason: "a postings list holds \(count) documents, the dictionary says \(info.documentFrequency)")
            }
            postingCount += count
        }
        guard postingCount == manifest.postingCount else {
            throw .corrupt(file: postings.path, reason: "\(postingCount) postings, the manifest says \(manifest.postingCount)")
        }
        for document in 0..<documentCount { _ = try documents.paper(document) }
    }
}

extension IndexStatistics {
    /// The BM25 parameters the index was built for (its default for searches).
    public var parameters: BM25Parameters { bm25 }
}
