/// What `papers stats` reports.
public struct IndexStatistics: Sendable {
    /// One segment of the commit.
    public struct SegmentStatistics: Sendable {
        public var name: String
        /// Papers stored in the segment, deleted ones included.
        public var documentCount: Int
        public var deletedCount: Int
        public var termCount: Int
        public var postingCount: Int
        public var createdAt: String
        public var bytes: Int
    }

    public var path: String
    /// The commit's name.
    public var generation: String
    /// When the commit (or, for an index of an older PaperSearch, its one generation) was written.
    public var createdAt: String
    public var analyzer: String
    /// Live papers.
    public var documentCount: Int
    /// Papers deleted but still stored (until a merge purges them).
    public var deletedCount: Int
    public var segments: [SegmentStatistics]
    /// Summed over the segments (a term in two segments counts twice).
    public var termCount: Int
    public var postingCount: Int
    public var averageTitleLength: Double
    public var averageAbstractLength: Double
    /// The corpus paths the index was built from, when they can be read again (`papers index` re-syncs with them).
    public var roots: [String]?
    /// The corpus files recorded under them.
    public var sourceCount: Int
    public var files: [(name: String, bytes: Int)]
    var bm25: BM25Parameters
    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes } }
}

extension SearchIndex {
    public var statisticsSummary: IndexStatistics {
        var files: [(name: String, bytes: Int)] = []
        var segmentStatistics: [IndexStatistics.SegmentStatistics] = []
        for (s, live) in segments.enumerated() {
            let manifest = live.segment.manifest
            var bytes = live.segment.manifestBytesAtOpen.count
            for file in manifest.files {
                files.append((live.segment.name + "/" + file.name, file.length))
                bytes += file.length
            }
            files.append((live.segment.name + "/" + Manifest.fileName, live.segment.manifestBytesAtOpen.count))
            if let deletions = commit?.segments[s].deletions {
                files.append((deletions.file, deletions.length))
                bytes += deletions.length
            }
            segmentStatistics.append(.init(name: live.segment.name, documentCount: live.segment.documentCount,
                                           deletedCount: live.deletions.count, termCount: manifest.termCount,
                                           postingCount: manifest.postingCount, createdAt: manifest.createdAt, bytes: bytes))
        }
        if commit != nil { files.append((IndexDirectory.commitFileName(generation), commitBytesAtOpen.count)) }
        return IndexStatistics(
            path: path, generation: generation, createdAt: commit?.createdAt ?? segments.last?.segment.manifest.createdAt ?? "",
            analyzer: analyzer.name, documentCount: documentCount, deletedCount: documentLimit - documentCount,
            segments: segmentStatistics, termCount: segmentStatistics.reduce(0) { $0 + $1.termCount },
            postingCount: segmentStatistics.reduce(0) { $0 + $1.postingCount },
            averageTitleLength: statistics.averageTitleLength, averageAbstractLength: statistics.averageAbstractLength,
            roots: commit?.sources?.roots, sourceCount: commit?.sources?.files.count ?? 0, files: files, bm25: parameters)
    }

    /// Checks every byte of every file against its checksum — the commit and manifests on disk too, read
    /// again — then walks every structure of every segment: all terms in order (each dictionary block against
    /// its checksum), every postings list and its positions (each block, skip table and block's positions
    /// against theirs), every stored record (each against its own). Throws for the first damage found, naming
    /// the file.
    public func verify() throws(IndexError) {
        let directory = IndexDirectory(root: path)
        if let commit {
            // The commit on disk, read again; if a writer has removed it since it was opened (its mapped files
            // stay readable), the commit as it was read then.
            let commitPath = directory.path(IndexDirectory.commitFileName(generation))
            var bytes = commitBytesAtOpen
            do { bytes = try FileByteSource.readAll(path: commitPath, limit: Commit.sizeLimit) } catch {
                if case let .io(_, _, errno) = error, errno == .noSuchFile {} else { throw .io(error) }
            }
            guard try Commit(bytes: bytes, path: commitPath) == commit else {
                throw .corrupt(file: commitPath, reason: "differs from the commit the index was opened with")
            }
        }
        for live in segments { try live.segment.verify() }
    }
}

extension Segment {
    /// `SearchIndex.verify` for one segment.
    func verify() throws(IndexError) {
        let manifestPath = folder + "/" + Manifest.fileName
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
        var positionsBuffer = PositionBuffer()
        try terms.forEachTerm { (_: [UInt8], info: TermInfo) throws(IndexError) in
            var cursor = self.cursor(info)
            var count = 0
            var previous: Int64 = -1
            while cursor.document != PostingsCursor.exhausted {
                guard Int64(cursor.document) > previous else {
                    throw IndexError.corrupt(file: postings.path, reason: "documents out of order")
                }
                previous = Int64(cursor.document)
                if info.hasPositions {
                    positionsBuffer.removeAll()
                    cursor.appendPositions(to: &positionsBuffer)
                    guard positionsBuffer.count == Int(cursor.titleFrequency) + Int(cursor.abstractFrequency) else {
                        throw IndexError.corrupt(file: positions.path, reason: cursor.damage ?? "positions do not match frequencies")
                    }
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
