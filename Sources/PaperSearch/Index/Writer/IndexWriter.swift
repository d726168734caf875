/// What a commit produced.
public struct IndexSummary: Sendable {
    public var directory: String
    /// The commit published, e.g. "commit-000009".
    public var generation: String
    /// The live papers of the index after the commit.
    public var documentCount: Int
    /// Papers this writer added whose ids were new to the index.
    public var added: Int
    /// Papers this writer replaced (an id already in the index).
    public var updated: Int
    /// Papers this writer removed.
    public var removed: Int
    /// The commit's segments, and how many merges this commit made.
    public var segmentCount: Int
    public var merges: Int
    /// Terms and postings summed over the segments (a term in two segments counts twice).
    public var termCount: Int
    public var postingCount: Int
    /// Bytes of each file of the commit, by name ("seg-000004/terms.pst", deletion files, the commit file).
    public var fileSizes: [(name: String, bytes: Int)]
    /// How many sorted runs were spilled to disk under the memory budget (0: everything fitted).
    public var runsSpilled: Int
    public var seconds: Double
    public var totalBytes: Int { fileSizes.reduce(0) { $0 + $1.bytes } }
}

/// Changes an index and publishes the changes atomically as one commit (see `IndexDirectory`): adds papers
/// (a paper whose id is in the index already replaces it), removes papers, merges segments.
///
///     let writer = try IndexWriter(directory: ".papers-index")
///     try writer.add(paper)                       // new, or an update of the paper with its id
///     _ = try writer.remove(id: "arXiv:2506.01967")
///     let summary = try writer.commit()           // searchers that reopen see both
///
/// New papers go into a new segment (`SegmentWriter`); a paper removed or replaced is marked deleted in its
/// segment (`DeletionsBuilder`). At the commit the merge policy (`Options.mergePolicy`) merges segments,
/// rewriting their live papers, and purges segments whose papers are all deleted. Searches see nothing of a
/// writer's work until its commit is published, and then all of it; statistics are the live papers', so
/// every score equals a fresh build's of the same papers.
///
/// One writer at a time holds the index's lock. A writer dropped without `commit()` (or whose commit fails)
/// removes what it wrote and leaves the index as it was.
public final class IndexWriter {
    public struct Options: Sendable {
        /// Memory the in-memory inverter may use before it spills a run (default 512 MiB).
        public var memoryBudget: Int = 512 << 20
        public var analyzer: Analyzer = .english
        /// The parameters the stored score bounds are computed for (searches with others still work).
        public var parameters: BM25Parameters = .default
        /// When segments are merged.
        public var mergePolicy: MergePolicy = .default
        /// Threads that analyse the papers of a merge.
        public var threads: Int = ProcessorInfo.activeProcessorCount
        /// Spill a run after this many papers whatever the memory (for tests of the merge).
        var maximumDocumentsPerRun = Int.max
        /// Terms per chunk of the parallel postings encoding (for tests of its ordering).
        var termsPerPostingsChunk = PostingsChunkWriter.defaultTermsPerChunk

        public init() {}
    }

    let options: Options
    let directory: IndexDirectory
    /// The marker and lock this writer holds, and what it created to take them (undone if it fails).
    private let preparation: IndexDirectory.Preparation
    /// The commit this writer started from (nil: no index yet, or a rebuild that replaces it).
    let base: SearchIndex?
    private let started = SystemCalls.monotonicSeconds()
    private var nextNumber: Int

    /// The new papers' segment, made at the first paper.
    private var segment: SegmentWriter?
    /// Ids of the papers added, with their document numbers in the new segment (nil: the caller vouches the
    /// ids are distinct, as a corpus reader does).
    private var addedIDs: [String: UInt32]?
    /// New-segment papers replaced by a later paper of this writer.
    private var replacedInNewSegment: [UInt32] = []
    /// New deletions in the base commit's segments, by segment.
    private var deletions: [Int: DeletionsBuilder] = [:]
    private var paperAnalyzer: PaperAnalyzer
    private var analyzed = AnalyzedPaper()
    /// Merged segments written but not yet published (removed if the commit fails).
    private var mergedSegments: [SegmentWriter] = []
    private var finished = false
    private var mergingEverything = false
    private var addedCount = 0
    private var updatedCount = 0
    private var removedCount = 0

    /// The corpus files the commit records (`Commit.Sources`): the base commit's unless a build or a sync
    /// sets them. A file whose `ids` is empty gets its ids file written at the commit, from `newSourceIDs`.
    var sources: Commit.Sources?
    var newSourceIDs: [String: [SourceIDs.Entry]] = [:]

    /// The number of papers added so far.
    public var documentCount: Int { segment?.documentCount ?? 0 }

    /// Whether this writer has changed anything (papers added or deleted).
    var hasChanges: Bool { addedCount + updatedCount + removedCount > 0 }

    /// Opens the index in `path` for changes: a missing or empty folder (created and marked as an index), or
    /// an index. With `replacing`, the commit starts empty and replaces the whole index (a rebuild), which
    /// also repairs an index that cannot be opened. Fails if the folder holds anything else, or if another
    /// writer holds the lock.
    public convenience init(directory path: String, options: Options = Options(), replacing: Bool = false) throws(IndexError) {
        try self.init(directory: path, options: options, replacing: replacing, distinctIDs: false)
    }

    /// `distinctIDs`: the caller adds each id at most once (a corpus reader merges repeated ids), so the
    /// writer need not remember the ids it added.
    init(directory path: String, options: Options, replacing: Bool, distinctIDs: Bool) throws(IndexError) {
        guard options.memoryBudget >= 16 << 20 else { throw .budgetTooSmall(bytes: options.memoryBudget) }
        addedIDs = distinctIDs ? nil : [:]
        let directory = IndexDirectory(root: path)
        self.directory = directory
        let preparation = try directory.prepareForBuilding()
        self.preparation = preparation
        do throws(IndexError) {
            // Leftovers of writers that were killed or failed go now (we hold the lock). With a damaged CURRENT
            // or commit, which a rebuild will repair, every segment stays until it publishes: it is all there is.
            var base: SearchIndex?
            switch Result(catching: { () throws(IndexError) in try directory.current() }) {
            case .success(nil):
                directory.removeStale(keeping: [])
            case let .success(pointer?):
                switch Result(catching: { () throws(IndexError) in try SearchIndex.open(at: path) }) {
                case let .success(index):
                    directory.removeStale(keeping: IndexWriter.namesNeeded(by: index))
                    if !replacing { base = index }
                case let .failure(error):
                    directory.removeStale(keeping: nil)
                    if !replacing { throw error }
                    _ = pointer
                }
            case let .failure(error):
                directory.removeStale(keeping: nil)
                if !replacing { throw error }
            }
            self.base = base
            // Papers added to an index are analysed as its papers were, and its bounds assume its parameters.
            var options = options
            if let base {
                options.analyzer = base.analyzer
                options.parameters = base.parameters
            }
            self.options = options
            paperAnalyzer = PaperAnalyzer(analyzer: options.analyzer)
            sources = base?.commit?.sources
            nextNumber = try directory.nextNumber()
        } catch {
            directory.undoPreparation(preparation)
            throw error
        }
    }

    /// The names in the index folder an open commit needs.
    static func namesNeeded(by index: SearchIndex) -> Set<String> {
        guard let commit = index.commit else { return [index.generation] }
        return commit.referencedNames.union([IndexDirectory.commitFileName(index.generation)])
    }

    /// A number for a new segment or file.
    private func takeNumber() -> Int {
        defer { nextNumber += 1 }
        return nextNumber
    }

    /// A writer dropped without a successful `commit()` discards its work (see `abandon()`).
    deinit { abandon() }

    /// Discards the writer's work: its segments and files not published, and — for a first build — the
    /// marker, lock and folders it created. The index stays as it was. Does nothing after a successful
    /// `commit()`; a writer abandoned cannot add or commit.
    ///
    /// Dropping the writer does the same, but a caller that is about to exit should call this: the last
    /// reference may be released on another thread after the process has gone.
    public func abandon() {
        guard !finished else { return }
        finished = true
        segment?.abandon()
        for merged in mergedSegments { merged.abandon() }
        if base == nil, (try? directory.current()) == nil {
            directory.undoPreparation(preparation)
        }
        // Deletion files and commit files written but not published are unreferenced: the next writer removes
        // them (this one no longer knows whether a reader could have seen them, so it leaves them).
    }

    // MARK: - Adding and removing

    /// Analyses and adds one paper; a live paper with the same id (exactly) is replaced.
    public func add(_ paper: Paper) throws(IndexError) {
        paperAnalyzer.analyze(paper, into: &analyzed)
        try add(analyzed)
    }

    /// Adds a paper analysed beforehand (possibly on another thread).
    func add(_ paper: AnalyzedPaper) throws(IndexError) {
        precondition(!finished, "add after commit")
        var replaces = false
        if let (s, local) = try liveDocument(exactID: paper.id) {
            try delete(s, local)
            replaces = true
        }
        let segment: SegmentWriter
        if let existing = self.segment {
            segment = existing
        } else {
            segment = try SegmentWriter(directory: directory, number: takeNumber(), options: options)
            self.segment = segment
        }
        if addedIDs != nil {
            if let previous = addedIDs?[paper.id] {
                replacedInNewSegment.append(previous)
                replaces = true
            }
            addedIDs?[paper.id] = UInt32(segment.documentCount)
        }
        try segment.add(paper)
        if replaces { updatedCount += 1 } else { addedCount += 1 }
    }

    /// Removes the paper with an id as people write ids (see `SearchIndex.documentNumber(forID:)`), or one
    /// added by this writer; returns whether there was one.
    @discardableResult
    public func remove(id: String) throws(IndexError) -> Bool {
        precondition(!finished, "remove after commit")
        for form in PaperID.lookupForms(id) where try removeExact(id: form) { return true }
        return false
    }

    /// Removes the paper with exactly this id; returns whether there was one.
    func removeExact(id: String) throws(IndexError) -> Bool {
        if let added = addedIDs?[id] {
            replacedInNewSegment.append(added)
            addedIDs?[id] = nil
            removedCount += 1
            return true
        }
        if let (s, local) = try liveDocument(exactID: id) {
            try delete(s, local)
            removedCount += 1
            return true
        }
        return false
    }

    /// The base commit's live paper with this id (its segment and number), unless this writer deleted it.
    private func liveDocument(exactID id: String) throws(IndexError) -> (Int, UInt32)? {
        guard let base else { return nil }
        let key = [FieldNamespace.id.rawValue] + Array(id.utf8)
        for s in base.segments.indices.reversed() {
            let deleted = deletions[s]
            if let document = try base.segments[s].document(withID: key, excluded: { deleted?.contains($0) == true }) {
                return (s, document)
            }
        }
        return nil
    }

    private func delete(_ s: Int, _ document: UInt32) throws(IndexError) {
        guard let base else { return }
        if deletions[s] == nil { deletions[s] = DeletionsBuilder(segment: base.segments[s].segment, existing: base.segments[s].deletions) }
        try deletions[s]?.delete(document)
    }

    /// Makes the commit merge every segment into one, purging every deleted paper (`papers optimize`): the
    /// smallest index and the fastest searches, for the cost of rewriting every paper.
    public func mergeEverything() { mergingEverything = true }

    // MARK: - Committing

    /// A segment of the commit being made.
    private struct Planned {
        var entry: Commit.SegmentEntry
        var segment: Segment
        /// Deleted documents (empty: none).
        var deleted: [UInt64]
    }

    /// Finishes the new segment, writes the deletions, merges what the merge policy asks, and publishes the
    /// commit; returns what the index now is.
    public func commit(papersRead: Int? = nil, duplicatesMerged: Int = 0, skipped: Int = 0) throws(IndexError) -> IndexSummary {
        precondition(!finished, "commit twice")
        do {
            return try makeCommit(papersRead: papersRead, duplicatesMerged: duplicatesMerged, skipped: skipped)
        } catch {
            abandon()
            throw error
        }
    }

    private func makeCommit(papersRead: Int?, duplicatesMerged: Int, skipped: Int) throws(IndexError) -> IndexSummary {
        let commitNumber = takeNumber()
        var planned: [Planned] = []
        // The base commit's segments, with this writer's deletions; a segment wholly deleted drops out.
        for (s, live) in (base?.segments ?? []).enumerated() {
            var entry = base?.commit?.segments[s]
                ?? Commit.SegmentEntry(name: live.segment.name, documentCount: live.segment.documentCount, deletions: nil)
            var deleted = live.deletions.bits
            if let builder = deletions[s], builder.changed {
                if builder.count == live.segment.documentCount { continue }
                let name = IndexDirectory.deletionsName(segment: entry.name, commitNumber)
                entry.deletions = try builder.write(to: directory.path(name), name: name)
                deleted = builder.bits
            }
            planned.append(Planned(entry: entry, segment: live.segment, deleted: deleted))
        }
        // The new papers' segment (a rebuild writes one even when empty: an empty index is still an index).
        var runsSpilled = 0
        if segment == nil && base == nil {
            segment = try SegmentWriter(directory: directory, number: takeNumber(), options: options)
        }
        if let segment, segment.documentCount > 0 || base == nil {
            let result = try segment.finish(papersRead: papersRead, duplicatesMerged: duplicatesMerged, skipped: skipped)
            runsSpilled = result.runsSpilled
            let opened = try Segment(folder: directory.path(result.name), name: result.name)
            var entry = Commit.SegmentEntry(name: result.name, documentCount: result.documentCount, deletions: nil)
            var deleted: [UInt64] = []
            if !replacedInNewSegment.isEmpty {
                var builder = DeletionsBuilder(segment: opened, existing: Deletions())
                for document in replacedInNewSegment { try builder.delete(document) }
                let name = IndexDirectory.deletionsName(segment: result.name, commitNumber)
                entry.deletions = try builder.write(to: directory.path(name), name: name)
                deleted = builder.bits
            }
            if entry.liveCount > 0 || planned.isEmpty { planned.append(Planned(entry: entry, segment: opened, deleted: deleted)) }
        } else {
            segment?.abandon()
        }
        do { try FaultInjection.check(.deletionsWritten, path: directory.root) } catch { throw .io(error) }

        let merges = try merge(&planned)

        // The ids files of corpus files read by this writer.
        if var sources {
            for index in sources.files.indices where sources.files[index].ids.isEmpty {
                let name = IndexDirectory.sourceIDsName(commitNumber, index)
                _ = try SourceIDs.write(newSourceIDs[sources.files[index].path] ?? [], to: directory.path(name))
                sources.files[index].ids = name
            }
            self.sources = sources
        }
        let commit = Commit(createdAt: SystemCalls.currentTimeISO8601(), segments: planned.map(\.entry), sources: sources)
        let name = IndexDirectory.commitName(commitNumber)
        let commitBytes = commit.bytes
        do {
            try SystemCalls.writeFile(directory.path(IndexDirectory.commitFileName(name)), commitBytes)
            try SystemCalls.syncDirectory(directory.root)
            try FaultInjection.check(.commitWritten, path: directory.root)
        } catch { throw .io(error) }
        try directory.publish(name)
        finished = true
        do { try FaultInjection.check(.published, path: directory.root) } catch { throw .io(error) }
        directory.removeStale(keeping: commit.referencedNames.union([IndexDirectory.commitFileName(name)]))

        var sizes: [(name: String, bytes: Int)] = []
        var termCount = 0, postingCount = 0
        for item in planned {
            for file in item.segment.manifest.files { sizes.append((item.entry.name + "/" + file.name, file.length)) }
            sizes.append((item.entry.name + "/" + Manifest.fileName, item.segment.manifestBytesAtOpen.count))
            if let deletions = item.entry.deletions { sizes.append((deletions.file, deletions.length)) }
            termCount += item.segment.manifest.termCount
            postingCount += item.segment.manifest.postingCount
        }
        sizes.append((IndexDirectory.commitFileName(name), commitBytes.count))
        return IndexSummary(directory: directory.root, generation: name, documentCount: commit.liveCount, added: addedCount,
                            updated: updatedCount, removed: removedCount, segmentCount: planned.count, merges: merges, termCount: termCount,
                            postingCount: postingCount, fileSizes: sizes, runsSpilled: runsSpilled,
                            seconds: SystemCalls.monotonicSeconds() - started)
    }

    /// Merges segments while the merge policy asks; returns how many merges were made.
    private func merge(_ planned: inout [Planned]) throws(IndexError) -> Int {
        var merges = 0
        if mergingEverything && (planned.count > 1 || planned.contains { $0.entry.deletedCount > 0 }) {
            planned = [try mergeSegments(planned)]
            merges += 1
        }
        while let group = options.mergePolicy.nextMerge(planned.map { ($0.entry.liveCount, $0.entry.documentCount) }) {
            let merged = try mergeSegments(group.map { planned[$0] })
            let at = group[0]
            for index in group.sorted(by: >) { planned.remove(at: index) }
            planned.insert(merged, at: min(at, planned.count))
            merges += 1
        }
        return merges
    }

    /// Writes the live papers of `group`, in order, into one new segment: their stored records are analysed
    /// again on every core (`AnalysisPipeline`), which gives the terms they were indexed with.
    private func mergeSegments(_ group: [Planned]) throws(IndexError) -> Planned {
        let writer = try SegmentWriter(directory: directory, number: takeNumber(), options: options)
        mergedSegments.append(writer)
        let pipeline = AnalysisPipeline(workers: max(1, options.threads), analyzer: options.analyzer) { (paper: AnalyzedPaper) throws(IndexError) in
            try writer.add(paper)
        }
        var failed = true
        defer { if failed { pipeline.abandon() } }
        for item in group {
            for document in 0..<item.segment.documentCount {
                let word = document >> 6
                if word < item.deleted.count && (item.deleted[word] >> UInt64(document & 63)) & 1 != 0 { continue }
                try pipeline.submit(try item.segment.documents.paper(document))
            }
            do { try FaultInjection.check(.merging, path: directory.root) } catch { throw .io(error) }
        }
        try pipeline.finish()
        failed = false
        let result = try writer.finish()
        let segment = try Segment(folder: directory.path(result.name), name: result.name)
        return Planned(entry: Commit.SegmentEntry(name: result.name, documentCount: result.documentCount, deletions: nil),
                       segment: segment, deleted: [])
    }
}
