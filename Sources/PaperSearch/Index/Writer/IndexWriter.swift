/// What a finished build produced.
public struct IndexSummary: Sendable {
    public var directory: String
    public var generation: String
    public var documentCount: Int
    public var termCount: Int
    public var postingCount: Int
    /// Bytes of each file of the generation, by file name.
    public var fileSizes: [(name: String, bytes: Int)]
    /// How many sorted runs were spilled to disk under the memory budget (0: everything fitted).
    public var runsSpilled: Int
    public var seconds: Double
    public var totalBytes: Int { fileSizes.reduce(0) { $0 + $1.bytes } }
}

/// Builds an index generation from papers and publishes it atomically (see `IndexDirectory`).
///
/// Papers are analysed and inverted in memory; whenever the inverter holds more than the memory budget its
/// content is written as a sorted run and memory starts afresh, so a corpus larger than memory still
/// indexes. `commit()` merges the runs into the final files (encoded in parallel chunks that are written in
/// order, so the files are the same whatever the threads do), writes the manifest and publishes.
/// A writer that is dropped without `commit()` (or whose commit fails) removes its temporary files and
/// leaves the live index as it was.
public final class IndexWriter {
    public struct Options: Sendable {
        /// Memory the in-memory inverter may use before it spills a run (default 512 MiB).
        public var memoryBudget: Int = 512 << 20
        public var analyzer: Analyzer = .english
        /// The parameters the stored score bounds are computed for (searches with others still work).
        public var parameters: BM25Parameters = .default
        /// Spill a run after this many papers whatever the memory (for tests of the merge).
        var maximumDocumentsPerRun = Int.max
        /// Terms per chunk of the parallel postings encoding (for tests of its ordering).
        var termsPerPostingsChunk = PostingsChunkWriter.defaultTermsPerChunk

        public init() {}
    }

    let options: Options
    let directory: IndexDirectory
    /// The marker and lock this build holds, and what it created to take them (undone if it fails).
    private let preparation: IndexDirectory.Preparation
    private let generation: String
    private let temporary: String
    private let buildID = BuildID.random()
    private let started = SystemCalls.monotonicSeconds()

    private var documents: DocStoreWriter
    private var inverter: Inverter
    private var runs: [String] = []
    private var titleLengths: [UInt32] = []
    private var abstractLengths: [UInt32] = []
    private var years: [UInt16] = []
    private var values = DocValuesWriter()
    private var paperAnalyzer: PaperAnalyzer
    private var analyzed = AnalyzedPaper()
    /// How far the commit got: the build folder renamed to its generation, then published.
    private var renamed = false
    private var finished = false

    /// The number of papers added so far.
    public private(set) var documentCount = 0

    /// Starts a build of the index in `path`: a missing or empty folder (created and marked as an index), or
    /// an index. Fails if the folder holds anything else, or if another build holds the lock.
    public init(directory path: String, options: Options = Options()) throws(IndexError) {
        guard options.memoryBudget >= 16 << 20 else { throw .budgetTooSmall(bytes: options.memoryBudget) }
        self.options = options
        paperAnalyzer = PaperAnalyzer(analyzer: options.analyzer)
        let directory = IndexDirectory(root: path)
        self.directory = directory
        let preparation = try directory.prepareForBuilding()
        self.preparation = preparation
        do throws(IndexError) {
            // Leftovers of builds that were killed or failed go now (we hold the lock). With a damaged CURRENT,
            // which this build will repair, the generations stay until it publishes: they are all there is.
            switch Result(catching: { () throws(IndexError) in try directory.currentGeneration() }) {
            case let .success(current): directory.removeStale(keeping: current)
            case .failure: directory.removeStale(keeping: nil, keepingGenerations: true)
            }
            let number = try directory.nextGenerationNumber()
            generation = IndexDirectory.generationName(number)
            inverter = try Inverter(capacity: IndexWriter.arenaCapacity(options))
            temporary = directory.path(IndexDirectory.buildFolderName(number, processID: SystemCalls.processID))
            do {
                try SystemCalls.makeDirectory(temporary)
                let output = try FileOutput(path: temporary + "/" + IndexComponent.docs.fileName)
                documents = DocStoreWriter(output: output)
            } catch {
                directory.removeFolder(temporary)
                throw .io(error)
            }
            try FileEnvelope.writeHeader(documents.output, component: .docs, buildID: buildID)
        } catch {
            directory.undoPreparation(preparation)
            throw error
        }
    }

    /// A writer dropped without a successful `commit()` discards its build (see `abandon()`).
    deinit { abandon() }

    /// Discards the build: removes its build folder, its generation if it was renamed but not published,
    /// and — for a first build — the marker, lock and folders it created. The live index stays as it was.
    /// Does nothing after a successful `commit()`; a writer abandoned cannot add or commit.
    ///
    /// Dropping the writer does the same, but a caller that is about to exit should call this: the last
    /// reference may be released on another thread after the process has gone.
    public func abandon() {
        guard !finished else { return }
        finished = true
        directory.removeFolder(temporary)
        if renamed { directory.removeFolder(directory.path(generation)) }
        directory.undoPreparation(preparation)
    }

    // MARK: - Adding papers

    /// Analyses and adds one paper; it gets the next document number.
    public func add(_ paper: Paper) throws(IndexError) {
        paperAnalyzer.analyze(paper, into: &analyzed)
        try add(analyzed)
    }

    /// Adds a paper analysed beforehand (possibly on another thread); it gets the next document number.
    func add(_ paper: AnalyzedPaper) throws(IndexError) {
        precondition(!finished, "add after commit")
        inverter.add(paper, document: documentCount)
        titleLengths.append(paper.titleLength)
        abstractLengths.append(paper.abstractLength)
        years.append(paper.year)
        values.add(date: paper.date, values: paper.facetValues)
        try documents.add(id: paper.id, record: paper.record)
        documentCount += 1
        if documentCount == 1 {
            do { try FaultInjection.check(.adding, path: temporary) } catch { throw .io(error) }
        }
        if inverter.memoryUsed + documentCount * 10 + values.memoryUsed > options.memoryBudget
            || (documentCount % options.maximumDocumentsPerRun == 0) {
            try spill()
        }
    }

    private func spill() throws(IndexError) {
        guard !inverter.isEmpty else { return }
        let path = temporary + "/run-\(runs.count).tmp"
        try RunWriter.write(inverter, to: path)
        runs.append(path)
        inverter = try Inverter(capacity: IndexWriter.arenaCapacity(options))
    }

    /// Address space for the streams: the budget, plus room for the largest single document to finish
    /// before the writer spills (pages are only used when touched).
    static func arenaCapacity(_ options: Options) -> Int { options.memoryBudget + (512 << 20) }

    // MARK: - Committing

    /// Writes the final files, publishes the new generation, removes older ones, and returns what was built.
    public func commit(papersRead: Int? = nil, duplicatesMerged: Int = 0, skipped: Int = 0) throws(IndexError) -> IndexSummary {
        precondition(!finished, "commit twice")
        let titleTotal = titleLengths.reduce(0) { $0 + Int($1) }
        let abstractTotal = abstractLengths.reduce(0) { $0 + Int($1) }
        let statistics = BM25.Statistics(
            documentCount: documentCount,
            averageTitleLength: documentCount > 0 ? Double(titleTotal) / Double(documentCount) : 0,
            averageAbstractLength: documentCount > 0 ? Double(abstractTotal) / Double(documentCount) : 0)
        let scorer = BM25.Scorer(parameters: options.parameters, statistics: statistics)

        func open(_ component: IndexComponent) throws(IndexError) -> FileOutput {
            let output: FileOutput
            do { output = try FileOutput(path: temporary + "/" + component.fileName) } catch { throw .io(error) }
            try FileEnvelope.writeHeader(output, component: component, buildID: buildID)
            return output
        }
        let termsOutput = try open(.terms)
        let postingsOutput = try open(.postings)
        let positionsOutput = try open(.positions)
        let encoder = PostingsEncoder(scorer: scorer, titleLengths: titleLengths, abstractLengths: abstractLengths)
        // Everything is in memory, or the rest goes to a last run and the runs are merged.
        let inMemory = runs.isEmpty
        if !inMemory { try spill() }
        let chunks = PostingsChunkWriter(
            postings: postingsOutput, positions: positionsOutput, dictionary: termsOutput, encoder: encoder,
            inverter: inMemory ? inverter : nil, sources: inMemory ? ["the in-memory postings"] : runs,
            threads: SystemCalls.processorCount, termsPerChunk: options.termsPerPostingsChunk)
        if inMemory {
            try inverter.forEachSortedTerm { (term: Inverter.SortedTerm) throws(IndexError) in
                try chunks.add(inverterTerm: Int(term.id), documentFrequency: Int(term.documentFrequency))
            }
        } else {
            try mergeRuns(into: chunks)
        }
        try chunks.finish()
        inverter = Inverter.placeholder
        var dictionary = chunks.dictionary
        let postingCount = chunks.postingCount
        try dictionary.finish()

        let normsOutput = try open(.norms)
        try NormsWriter.write(normsOutput, titleLengths: titleLengths, abstractLengths: abstractLengths, years: years)
        let valuesOutput = try open(.values)
        try values.write(valuesOutput)
        try documents.finish()

        var entries: [Manifest.FileEntry] = []
        for (component, output) in [(IndexComponent.terms, termsOutput), (.postings, postingsOutput),
                                    (.positions, positionsOutput), (.norms, normsOutput), (.docs, documents.output),
                                    (.values, valuesOutput)] {
            let (length, crc) = try FileEnvelope.writeFooterAndFinish(output)
            entries.append(Manifest.FileEntry(name: component.fileName, length: length, crc32: crc))
        }
        for run in runs { try? SystemCalls.removeFile(run) }

        let manifest = Manifest(
            buildID: buildID, createdAt: SystemCalls.currentTimeISO8601(), analyzer: options.analyzer,
            documentCount: documentCount, termCount: dictionary.termCount, postingCount: postingCount,
            titleLengthTotal: titleTotal, abstractLengthTotal: abstractTotal, parameters: options.parameters,
            files: entries, papersRead: papersRead ?? documentCount, duplicatesMerged: duplicatesMerged, skipped: skipped)
        let manifestBytes = manifest.bytes
        let final = directory.path(generation)
        do {
            try FaultInjection.check(.filesWritten, path: temporary)
            try SystemCalls.writeFile(temporary + "/" + Manifest.fileName, manifestBytes)
            try SystemCalls.syncDirectory(temporary)
            try SystemCalls.rename(temporary, final)
            renamed = true
            try SystemCalls.syncDirectory(directory.root)
            try FaultInjection.check(.generationRenamed, path: final)
        } catch { throw .io(error) }
        do { try directory.publish(generation) } catch {
            abandon()
            throw error
        }
        finished = true
        do { try FaultInjection.check(.published, path: final) } catch { throw .io(error) }
        directory.removeStale(keeping: generation)
        let sizes = entries.map { (name: $0.name, bytes: $0.length) } + [(name: Manifest.fileName, bytes: manifestBytes.count)]
        return IndexSummary(directory: directory.root, generation: generation, documentCount: documentCount,
                            termCount: dictionary.termCount, postingCount: postingCount, fileSizes: sizes,
                            runsSpilled: runs.count, seconds: SystemCalls.monotonicSeconds() - started)
    }

    /// Merges the sorted runs term by term; a term's postings from earlier runs come first (their documents
    /// are smaller).
    private func mergeRuns(into chunks: PostingsChunkWriter) throws(IndexError) {
        var readers: [RunReader] = []
        var live: [Int] = []
        // A quarter of the budget buffers the runs' reading (the inverter's memory is free by now).
        let readSize = max(16 << 10, min(1 << 20, options.memoryBudget / 4 / max(1, runs.count)))
        for path in runs {
            let reader = try RunReader(path: path, readSize: readSize)
            readers.append(reader)
            if try reader.advance() { live.append(readers.count - 1) }
        }
        while !live.isEmpty {
            // The smallest current term; runs are few (memory-bounded builds spill rarely), so a scan does.
            var smallest = live[0]
            for index in live.dropFirst() where readers[index].term.lexicographicallyPrecedes(readers[smallest].term) {
                smallest = index
            }
            let term = readers[smallest].term
            var next: [Int] = []
            for index in live {
                let reader = readers[index]
                if reader.term == term {
                    chunks.appendStream(source: index) { $0.append(contentsOf: reader.stream) }
                    if try reader.advance() { next.append(index) }
                } else {
                    next.append(index)
                }
            }
            live = next
            try chunks.endTerm(term)
        }
    }
}
