/// Writes one segment (see `IndexFormat`) from analysed papers, in a build folder `tmp-<N>-<pid>/` that it
/// renames to `seg-<N>` when finished. It never publishes: the `IndexWriter` that owns it lists the segment
/// in a commit.
///
/// Papers are inverted in memory; whenever the inverter holds more than the memory budget its content is
/// written as a sorted run and memory starts afresh, so a corpus larger than memory still indexes.
/// `finish()` merges the runs into the final files (encoded in parallel chunks that are written in order,
/// so the files are the same whatever the threads do) and writes the manifest last.
final class SegmentWriter {
    let options: IndexWriter.Options
    let directory: IndexDirectory
    /// The segment's folder name once finished, e.g. "seg-000005".
    let name: String
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
    /// Whether the build folder has been renamed to `name`.
    private(set) var renamed = false
    private var finished = false

    /// The number of papers added so far.
    private(set) var documentCount = 0

    /// Starts segment `number` (a number no other name in the index folder has; the caller holds the lock).
    init(directory: IndexDirectory, number: Int, options: IndexWriter.Options) throws(IndexError) {
        self.options = options
        self.directory = directory
        name = IndexDirectory.segmentName(number)
        inverter = try Inverter(capacity: SegmentWriter.arenaCapacity(options))
        temporary = directory.path(IndexDirectory.buildFolderName(number, processID: SystemCalls.processID))
        do {
            try SystemCalls.makeDirectory(temporary)
            let output = try FileOutput(path: temporary + "/" + IndexComponent.docs.fileName)
            documents = DocStoreWriter(output: output)
        } catch {
            directory.removeFolder(temporary)
            throw .io(error)
        }
        do { try FileEnvelope.writeHeader(documents.output, component: .docs, buildID: buildID) } catch {
            directory.removeFolder(temporary)
            throw error
        }
    }

    /// Removes the build folder, and the segment if it was renamed (the owner calls this only for a segment
    /// no published commit lists).
    func abandon() {
        finished = true
        directory.removeFolder(temporary)
        if renamed { directory.removeFolder(directory.path(name)) }
    }

    /// Adds a paper analysed beforehand (possibly on another thread); it gets the next document number.
    func add(_ paper: AnalyzedPaper) throws(IndexError) {
        precondition(!finished, "add to a finished segment")
        inverter.add(paper, document: documentCount)
        titleLengths.append(paper.titleLength)
        abstractLengths.append(paper.abstractLength)
        years.append(paper.year)
        values.add(date: paper.date, values: paper.facetValues)
        try documents.add(paper)
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
        inverter = try Inverter(capacity: SegmentWriter.arenaCapacity(options))
    }

    /// Address space for the streams: the budget, plus room for the largest single document to finish
    /// before the writer spills (pages are only used when touched).
    static func arenaCapacity(_ options: IndexWriter.Options) -> Int { options.memoryBudget + (512 << 20) }

    /// What a finished segment holds.
    struct Result {
        var name: String
        var documentCount: Int
        var termCount: Int
        var postingCount: Int
        var runsSpilled: Int
    }

    /// Writes the final files and the manifest, syncs them, and renames the build folder to the segment's name.
    func finish(papersRead: Int? = nil, duplicatesMerged: Int = 0, skipped: Int = 0) throws(IndexError) -> Result {
        precondition(!finished, "finish twice")
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
        let final = directory.path(name)
        do {
            try FaultInjection.check(.filesWritten, path: temporary)
            try SystemCalls.writeFile(temporary + "/" + Manifest.fileName, manifest.bytes)
            try SystemCalls.syncDirectory(temporary)
            try SystemCalls.rename(temporary, final)
            renamed = true
            try SystemCalls.syncDirectory(directory.root)
            try FaultInjection.check(.generationRenamed, path: final)
        } catch { throw .io(error) }
        finished = true
        return Result(name: name, documentCount: documentCount, termCount: dictionary.termCount, postingCount: postingCount,
                      runsSpilled: runs.count)
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
