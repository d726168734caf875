/// Brings an index up to date with the corpus files it was built from, changing only what changed — with the
/// answers a rebuild from the same files would give.
///
/// The commit records the paths the index was built from (`Commit.Sources`), every corpus file under them with
/// its size, modification time and checksum, and the records each file gave (`SourceIDs`: id and hash). A
/// sync walks the paths again:
///
/// 1. A file whose size and time are as recorded is not read; one whose bytes still have the recorded
///    checksum is not read either (only its time is recorded anew). The others are *changed*; files new under
///    the paths are changed too, and recorded files now gone are *removed*.
/// 2. The changed files are read once for their records; a paper is *touched* when its records in them (or
///    in removed files) differ from those recorded — a new, edited, moved or vanished line.
/// 3. Touched papers are read again, merged exactly as a build merges repeated ids — from the changed files
///    and every unchanged file that holds one of their ids (found in the ids files), in the order of a
///    build — and added (replacing the old ones); touched ids no file holds any more are removed.
///
/// Papers that came from elsewhere (standard input, a program) are left alone. A path given to the index
/// that no longer exists is an error, not the removal of its papers: a folder that is not mounted must not
/// empty the index.
public enum IndexSync {
    /// What a sync did.
    public struct Summary: Sendable {
        /// Corpus files read (changed or new), and unchanged and removed ones.
        public var filesRead = 0
        public var filesUnchanged = 0
        public var filesRemoved = 0
        /// The commit made, or nil when nothing had changed.
        public var index: IndexSummary?
        /// What reading the changed files found.
        public var report = CorpusReport()
    }

    /// Why a sync cannot run.
    public enum Refusal: Error, Sendable, CustomStringConvertible {
        /// The index records no corpus files (built from standard input, or by a program).
        case noRecordedSources(index: String)
        /// A path the index was built from is gone.
        case rootMissing(String)

        public var description: String {
            switch self {
            case let .noRecordedSources(index):
                return "\(index) records no corpus files it could read again (it was built from standard input or by a program); "
                    + "give the paths, with --replace to rebuild it from them"
            case let .rootMissing(root):
                return "\(root), which the index was built from, is gone; nothing was changed "
                    + "(restore it, or rebuild without it: papers index --replace PATH...)"
            }
        }
    }

    /// Syncs the index at `path` with its recorded files and the files under `newRoots` (which become recorded
    /// roots: what `papers add` does with files). Throws `IndexError.notFound` when there is no index.
    public static func sync(
        index path: String, adding newRoots: [String] = [], options: IndexWriter.Options = IndexWriter.Options(),
        strict: Bool = false, threads: Int = ProcessorInfo.activeProcessorCount
    ) throws -> Summary {
        let writer = try IndexWriter(directory: path, options: options, replacing: false, distinctIDs: true)
        var finished = false
        defer { if !finished { writer.abandon() } }
        guard let base = writer.base else { throw IndexError.notFound(path: path) }
        let workingDirectory = try SystemCalls.currentDirectory()
        guard var sources = base.commit?.sources ?? (newRoots.isEmpty ? nil : Commit.Sources(directory: workingDirectory, roots: [], files: [])) else {
            throw Refusal.noRecordedSources(index: path)
        }
        // Recorded roots are read as given when the working directory is the one they were given in (so a
        // paper's sources read as a rebuild from here would give them), else made absolute.
        let here = sources.directory == workingDirectory
        var roots = sources.roots(readFrom: workingDirectory)
        for root in sources.roots where !SystemCalls.exists(sources.absolute(root)) { throw Refusal.rootMissing(root) }
        if !here {
            sources.files = sources.files.map { file in
                var file = file
                file.path = sources.absolute(file.path)
                return file
            }
            sources.directory = workingDirectory
        }
        // New roots, unless their files are all under the recorded ones already.
        let knownIdentities = Set(try CorpusReader(paths: roots).resolvedInputs().compactMap { try? SystemCalls.status($0.path).identity })
        for root in newRoots {
            let files = try CorpusReader(paths: [root]).resolvedInputs()
            if files.isEmpty || !files.allSatisfy({ (try? SystemCalls.status($0.path)).map { knownIdentities.contains($0.identity) } ?? false }) {
                roots.append(root)
            }
        }
        sources.roots = roots

        // 1. Which files changed.
        let reader = CorpusReader(paths: roots, strict: strict)
        let inputs = try reader.resolvedInputs()
        var recorded: [String: Commit.Source] = [:]
        for file in sources.files { recorded[sources.absolute(file.path)] = file }
        var summary = Summary()
        var files: [Commit.Source?] = []          // per input: its record if unchanged, nil if changed
        var changed: [Int] = []
        var touchedTimes = false
        for (number, input) in inputs.enumerated() {
            let key = sources.absolute(input.path)
            guard var old = recorded.removeValue(forKey: key) else {
                files.append(nil)
                changed.append(number)
                continue
            }
            old.path = input.path
            let status = try SystemCalls.status(input.path)
            if status.size == old.size && status.modified == old.modified {
                files.append(old)
            } else if status.size == old.size, try SystemCalls.fileChecksum(input.path) == old.crc32 {
                old.modified = status.modified
                touchedTimes = true
                files.append(old)
            } else {
                recorded[key] = old  // its old records are compared below
                files.append(nil)
                changed.append(number)
            }
        }
        let removedFiles = sources.files.filter { file in
            !inputs.contains { sources.absolute($0.path) == sources.absolute(file.path) }
        }
        summary.filesRead = changed.count
        summary.filesRemoved = removedFiles.count
        summary.filesUnchanged = inputs.count - changed.count

        // 2. The records of the changed files; the ids whose records differ from those recorded.
        var touched = Set<[UInt8]>()
        let ledger = SourceLedger(paths: changed.map { inputs[$0].path })
        if !changed.isEmpty {
            summary.report = try CorpusReader(paths: changed.map { inputs[$0].path }, strict: strict).readRecords { number, paper, hash in
                ledger.observe(number, paper, hash)
            }
        }
        func differences(_ old: [SourceIDs.Entry], _ new: [SourceIDs.Entry]) {
            var oldHashes: [[UInt8]: [UInt64]] = [:], newHashes: [[UInt8]: [UInt64]] = [:]
            for entry in old { oldHashes[entry.id, default: []].append(entry.hash) }
            for entry in new { newHashes[entry.id, default: []].append(entry.hash) }
            for (id, hashes) in oldHashes where newHashes[id] != hashes { touched.insert(id) }
            for (id, hashes) in newHashes where oldHashes[id] != hashes { touched.insert(id) }
        }
        var newEntries: [String: [SourceIDs.Entry]] = [:]
        for (index, number) in changed.enumerated() {
            let entries = ledger.sortedEntries(index)
            newEntries[inputs[number].path] = entries
            let old = try recorded[sources.absolute(inputs[number].path)].map { try SourceIDs.read(writer.directory.path($0.ids)) } ?? []
            differences(old, entries)
        }
        for file in removedFiles { differences(try SourceIDs.read(writer.directory.path(file.ids)), []) }

        // 3. The touched papers, merged from every file that holds them, as a build would.
        if !touched.isEmpty {
            var holding = Set(changed)
            for (number, file) in files.enumerated() {
                guard let file else { continue }
                if try SourceIDs.read(writer.directory.path(file.ids)).contains(where: { touched.contains($0.id) }) { holding.insert(number) }
            }
            let pipeline = AnalysisPipeline(workers: max(1, threads), analyzer: writer.options.analyzer) { (paper: AnalyzedPaper) throws(IndexError) in
                try writer.add(paper)
            }
            var found = Set<[UInt8]>()
            var failed = true
            defer { if failed { pipeline.abandon() } }
            _ = try CorpusReader(paths: holding.sorted().map { inputs[$0].path }, strict: strict).read { paper in
                let id = Array(paper.id.utf8)
                guard touched.contains(id) else { return }
                found.insert(id)
                try pipeline.submit(paper)
            }
            try pipeline.finish()
            failed = false
            for id in touched.subtracting(found) { _ = try writer.removeExact(id: String(decoding: id, as: UTF8.self)) }
        }

        guard writer.hasChanges || !changed.isEmpty || !removedFiles.isEmpty || touchedTimes || roots != base.commit?.sources?.roots else {
            return summary
        }
        var recordedFiles: [Commit.Source] = []
        for (number, input) in inputs.enumerated() {
            if let file = files[number] {
                recordedFiles.append(file)
            } else {
                recordedFiles.append(try SourceLedger.describe(input.path, papers: newEntries[input.path]?.count ?? 0))
            }
        }
        sources.files = recordedFiles
        writer.sources = sources
        writer.newSourceIDs = newEntries
        summary.index = try writer.commit()
        finished = true
        return summary
    }

    /// Whether the files under the index's recorded paths differ from those recorded — a size or time changed,
    /// a file added or gone — without reading any (a sync may still find nothing changed, if only times did).
    public static func needsSync(_ index: SearchIndex) -> Bool {
        guard let sources = index.commit?.sources, let workingDirectory = try? SystemCalls.currentDirectory() else { return false }
        let roots = sources.roots(readFrom: workingDirectory)
        guard let inputs = try? CorpusReader(paths: roots).resolvedInputs(), inputs.count == sources.files.count else { return true }
        for (input, file) in zip(inputs, sources.files) {
            guard sources.absolute(input.path) == sources.absolute(file.path),
                  let status = try? SystemCalls.status(input.path), status.size == file.size, status.modified == file.modified else { return true }
        }
        return false
    }
}

extension IndexSync {
    /// Adds the papers of inputs that cannot be read again (standard input, a pipe) to the index at `path`,
    /// each replacing the paper with its id; they are not recorded, and syncs leave them alone.
    public static func addUnrecorded(
        corpus paths: [String], into path: String, options: IndexWriter.Options = IndexWriter.Options(), strict: Bool = false,
        threads: Int = ProcessorInfo.activeProcessorCount
    ) throws -> (summary: IndexSummary, report: CorpusReport) {
        let writer = try IndexWriter(directory: path, options: options, replacing: false, distinctIDs: true)
        var finished = false
        defer { if !finished { writer.abandon() } }
        let pipeline = AnalysisPipeline(workers: max(1, threads), analyzer: writer.options.analyzer) { (paper: AnalyzedPaper) throws(IndexError) in
            try writer.add(paper)
        }
        var failed = true
        defer { if failed { pipeline.abandon() } }
        // The two-pass read: repeated ids are merged before anything reaches the writer.
        let report = try CorpusReader(paths: paths, strict: strict).read { paper in try pipeline.submit(paper) }
        try pipeline.finish()
        failed = false
        if report.uniquePapers == 0 && report.totalSkipped > 0 { throw IndexError.corpus(.nothingReadable(report)) }
        let summary = try writer.commit()
        finished = true
        return (summary, report)
    }

    /// The paths the index at `path` was built from, as paths to read from the working directory. They come
    /// from its live commit alone, so they are known even when its segments cannot be read (written by an
    /// older PaperSearch, or damaged). Nil when there is no readable commit, or it records no paths (the
    /// index was built from standard input or by a program).
    public static func recordedRoots(at path: String) -> [String]? {
        let directory = IndexDirectory(root: path)
        guard case let .commit(name)? = try? directory.current(), let (commit, _) = try? Commit.read(name, in: directory),
              let workingDirectory = try? SystemCalls.currentDirectory() else { return nil }
        return commit.sources?.roots(readFrom: workingDirectory)
    }

    /// Whether `paths` (as given in the working directory) are the paths the index records having been built
    /// from.
    public static func recordsRoots(_ index: SearchIndex, _ paths: [String]) -> Bool {
        guard let sources = index.commit?.sources, let workingDirectory = try? SystemCalls.currentDirectory() else { return false }
        let here = Commit.Sources(directory: workingDirectory, roots: [], files: [])
        return sources.roots.map(sources.absolute) == paths.map(here.absolute)
    }
}
