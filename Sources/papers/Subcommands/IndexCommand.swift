import PaperSearch

/// `papers index`: build the index, keep it in sync with its corpus files, or replace it.
enum IndexCommand: Command {
    static let name = "index"
    static let takesArguments = true
    static let usage = "[PATH ...] [--replace] [--index DIR] [--memory MB] [--strict] [--json]"
    static let abstract = "Build the index from a corpus, or bring it up to date with its files (default: Corpus)."
    static let discussion = """
        The first time, builds the index from PATH ... (default: Corpus) and records the paths and the files
        found under them. Afterwards, 'papers index' alone (or with the same paths) syncs: files unchanged
        since (same size and time, or same bytes) are not read, papers of changed files are replaced, papers
        whose lines are gone are removed, new files are read — the answers are those of a fresh build. Other
        paths would replace the whole index: that takes --replace, and without it papers index says what it
        would do and changes nothing. --replace alone rebuilds from the recorded paths.
        Every change is written beside the index and published in one atomic step: searches that are running
        keep what they opened, and if the work fails or is killed the index stays as it was.
        The index lives in --index DIR, else in $PAPERS_INDEX, else in .papers-index in the working directory.
        --memory MB (default 512) bounds the postings held in memory however large the corpus: beyond it,
        sorted runs are written to disk and merged at the end. The process needs about 50 MB more (the
        program, papers on their way between threads, read buffers), plus 8 bytes a paper to notice repeated
        ids and an id and 8 bytes a paper to record the files; records of repeated ids wait in a temporary
        file. A record (one line) may be up to 4 MiB.

        EXAMPLES:
          papers index                                   # the bundled corpus, into .papers-index; later: sync
          papers index arxiv.jsonl.gz --index ~/arxiv-index --memory 1024
          papers index other/ --replace --index ~/arxiv-index    # rebuild from other files
          zcat part-*.jsonl.gz | papers index - --index idx    # standard input works too (not recorded)
        """
    static let options: [OptionSpec] = [
        .option("--index", value: "DIR", help: "Where the index lives."),
        .flag("--replace", help: "Rebuild the whole index from PATH ... (or from the recorded paths)."),
        .option("--memory", value: "MB", help: "Memory budget of the indexer in MiB (default 512, at least 16)."),
        .flag("--strict", help: "Stop at the first problem in the corpus instead of skipping it."),
        .flag("--json", help: "Print the summary as JSON."),
    ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let directory = context.indexDirectory(arguments)
        var options = IndexWriter.Options()
        options.memoryBudget = try arguments.integer("--memory", default: 512, range: 16...1_048_576) << 20
        MemoryAllocator.returnFreedMemoryPromptly()
        let given = arguments.positionals
        let replace = arguments.has("--replace")
        switch Result(catching: { () throws(IndexError) in try SearchIndex.open(at: directory) }) {
        case let .success(index):
            if !replace && (given.isEmpty || IndexSync.recordsRoots(index, given)) {
                return try UpdateReporting.sync(directory, adding: [], options: options, arguments, context)
            }
            if !replace { return try refuseReplacement(index, with: given, arguments, context) }
            let paths = given.isEmpty ? (IndexSync.recordedRoots(at: directory) ?? ["Corpus"]) : given
            return try build(paths, into: directory, options: options, arguments, context)
        case .failure(.notFound):
            return try build(given.isEmpty ? ["Corpus"] : given, into: directory, options: options, arguments, context)
        case let .failure(error):
            // An index that cannot be read loses nothing by being rebuilt: from the paths its commit recorded,
            // when the commit can still be read (an older PaperSearch's index, a damaged segment).
            let paths = given.isEmpty ? (IndexSync.recordedRoots(at: directory) ?? ["Corpus"]) : given
            context.warn("the index at \(directory) cannot be read (\(error)); rebuilding it from \(paths.joined(separator: " "))")
            return try build(paths, into: directory, options: options, arguments, context)
        }
    }

    /// Indexing other paths than the index was built from replaces it: say what that would do, change nothing.
    static func refuseReplacement(_ index: SearchIndex, with paths: [String], _ arguments: ParsedArguments,
                                  _ context: CommandContext) throws -> ExitCode {
        var after = 0
        let report = try CorpusReader(paths: paths).read { _ in after += 1 }
        let stats = index.statisticsSummary
        let from = stats.roots.map { "from " + $0.joined(separator: " ") } ?? "from inputs it did not record"
        let target = arguments.value("--index").map { " --index \($0)" } ?? ""
        let list = paths.joined(separator: " ")
        context.errors.line("error: \(index.path) holds \(Format.grouped(stats.documentCount)) papers \(from); indexing \(list) "
            + "instead would replace them with \(Format.grouped(after)) papers (\(Format.grouped(report.papersRead)) records read). Nothing was changed.")
        context.errors.line("  to replace the index:      papers index \(list) --replace\(target)")
        context.errors.line("  to add these papers to it: papers add \(list)\(target)")
        return .failure
    }

    static func build(_ paths: [String], into directory: String, options: IndexWriter.Options, _ arguments: ParsedArguments,
                      _ context: CommandContext) throws -> ExitCode {
        let showProgress = context.errors.isTerminal && !arguments.has("--json")
        var lastShown = -1.0
        let (summary, report) = try IndexBuilder.build(
            corpus: paths, into: directory, options: options, strict: arguments.has("--strict")
        ) { progress in
            guard showProgress, progress.seconds - lastShown >= 0.25 || progress.papersIndexed == progress.papersPlanned else { return }
            lastShown = progress.seconds
            let rate = progress.seconds > 0 ? Double(progress.papersIndexed) / progress.seconds : 0
            var line = "\rIndexing: \(Format.grouped(progress.papersIndexed))"
            if let planned = progress.papersPlanned {
                line += " of \(Format.grouped(planned)) papers"
                if rate > 0 && planned > progress.papersIndexed {
                    line += ", ETA \(Format.decimal(Double(planned - progress.papersIndexed) / rate, places: 0)) s"
                }
            } else if let fraction = progress.fractionRead, fraction > 0.01 {
                line += " papers, \(Int(fraction * 100))% read"
                line += ", ETA \(Format.decimal(progress.seconds * (1 - fraction) / fraction, places: 0)) s"
            } else {
                line += " papers"
            }
            line += " (\(Format.grouped(Int(rate))) papers/s)   "
            context.errors.write(line)
            context.errors.flush()
        }
        // The progress line is erased, so that the summary stands alone.
        if showProgress { context.errors.write("\r\u{1B}[K") }
        CorpusReportPrinter.printProblems(report, to: context)
        if arguments.has("--json") {
            var writer = JSONWriter()
            writer.write(.object(JSONObject([
                ("index", .string(summary.directory)), ("generation", .string(summary.generation)),
                ("papers", .integer(summary.documentCount)), ("papersRead", .integer(report.papersRead)),
                ("duplicatesMerged", .integer(report.duplicatesMerged)), ("skipped", .integer(report.totalSkipped)),
                ("terms", .integer(summary.termCount)), ("postings", .integer(summary.postingCount)),
                ("bytes", .integer(summary.totalBytes)), ("runsSpilled", .integer(summary.runsSpilled)),
                ("seconds", .double(summary.seconds)),
            ])))
            context.output.write(bytes: writer.bytes)
            context.output.line()
            return .success
        }
        let rate = summary.seconds > 0 ? Int(Double(summary.documentCount) / summary.seconds) : 0
        context.output.line("Indexed \(Format.grouped(summary.documentCount)) papers into \(summary.directory) (\(summary.generation)) "
            + "in \(Format.decimal(summary.seconds, places: 2)) s (\(Format.grouped(rate)) papers/s).")
        context.output.line("Read \(Format.grouped(report.papersRead)) records from \(report.files.count) file\(report.files.count == 1 ? "" : "s"), "
            + "merged \(Format.grouped(report.duplicatesMerged)) duplicates, skipped \(Format.grouped(report.totalSkipped)).")
        context.output.line("\(Format.grouped(summary.termCount)) terms, \(Format.grouped(summary.postingCount)) postings, "
            + "\(Format.bytes(summary.totalBytes)) on disk" + (summary.runsSpilled > 0 ? ", \(summary.runsSpilled) runs merged." : "."))
        return .success
    }
}

/// `papers stats`: what the index holds.
enum StatsCommand: Command {
    static let name = "stats"
    static let usage = "[--index DIR] [--breakdown] [--json]"
    static let abstract = "Show what the index holds: papers, terms, postings, bytes per file."
    static let discussion = """
        --breakdown also shows where the bytes of the searchable files (terms.pst, postings.psp,
        positions.pos) go, per field and per structure; it reads every dictionary entry and postings block.

        EXAMPLES:
          papers stats
          papers stats --breakdown
          papers stats --index ~/arxiv-index --json
        """
    static let options: [OptionSpec] = [
        .option("--index", value: "DIR", help: "Where the index lives."),
        .flag("--breakdown", help: "Show the bytes of the searchable files by field and structure."),
        .flag("--json", help: "Print the statistics as JSON."),
    ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let index = try SearchIndex.open(at: context.indexDirectory(arguments))
        let stats = index.statisticsSummary
        let breakdown = arguments.has("--breakdown") ? try index.storageBreakdown() : nil
        if arguments.has("--json") {
            var json = statisticsJSON(stats)
            if let breakdown, case var .object(fields) = json {
                fields["breakdown"] = breakdownJSON(breakdown)
                json = .object(fields)
            }
            var writer = JSONWriter()
            writer.write(json)
            context.output.write(bytes: writer.bytes)
            context.output.line()
            return .success
        }
        context.output.line("Index \(stats.path) (\(stats.generation)), written \(stats.createdAt), analyzer \(stats.analyzer)")
        context.output.line("papers    \(Format.grouped(stats.documentCount))"
            + (stats.deletedCount > 0 ? " (and \(Format.grouped(stats.deletedCount)) deleted, stored until a merge)" : ""))
        context.output.line("segments  \(stats.segments.count)")
        context.output.line("terms     \(Format.grouped(stats.termCount))" + (stats.segments.count > 1 ? " (summed over the segments)" : ""))
        context.output.line("postings  \(Format.grouped(stats.postingCount))")
        context.output.line("average length: title \(Format.decimal(stats.averageTitleLength, places: 1)), "
            + "abstract \(Format.decimal(stats.averageAbstractLength, places: 1)) terms")
        if let roots = stats.roots {
            context.output.line("built from \(roots.joined(separator: ", ")) (\(stats.sourceCount) file\(stats.sourceCount == 1 ? "" : "s"))")
        }
        if stats.segments.count > 1 {
            context.output.line("")
            context.output.line("segment".padding(to: 16) + "papers".padding(to: 12) + "deleted".padding(to: 10) + "bytes")
            for segment in stats.segments {
                context.output.line(segment.name.padding(to: 16) + Format.grouped(segment.documentCount - segment.deletedCount).padding(to: 12)
                    + Format.grouped(segment.deletedCount).padding(to: 10) + Format.bytes(segment.bytes))
            }
        }
        context.output.line("")
        context.output.line("file".padding(to: 16) + "bytes".padding(to: 14) + "bytes/posting")
        for file in fileKinds(stats.files) {
            let perPosting = stats.postingCount > 0 ? Double(file.bytes) / Double(stats.postingCount) : 0
            context.output.line(file.name.padding(to: 16) + Format.bytes(file.bytes).padding(to: 14) + Format.decimal(perPosting, places: 2))
        }
        let total = stats.postingCount > 0 ? Double(stats.totalBytes) / Double(stats.postingCount) : 0
        context.output.line("total".padding(to: 16) + Format.bytes(stats.totalBytes).padding(to: 14) + Format.decimal(total, places: 2))
        if let breakdown { printBreakdown(breakdown, context) }
        return .success
    }

    /// The searchable files' bytes: a row per structure, a column per field that has terms.
    static func printBreakdown(_ breakdown: StorageBreakdown, _ context: CommandContext) {
        let fields = StorageBreakdown.fields.indices.filter { breakdown.terms[$0] > 0 }
        let width = 12
        context.output.line("")
        context.output.line("searchable bytes".padding(to: 22) + fields.map { StorageBreakdown.fields[$0].padding(to: width) }.joined() + "total")
        context.output.line("terms".padding(to: 22) + fields.map { Format.grouped(breakdown.terms[$0]).padding(to: width) }.joined()
            + Format.grouped(breakdown.terms.reduce(0, +)))
        for structure in StorageBreakdown.Structure.allCases where breakdown.total(structure) > 0 {
            let row = breakdown.bytes[structure] ?? []
            context.output.line(structure.rawValue.padding(to: 22) + fields.map { Format.bytes(row[$0]).padding(to: width) }.joined()
                + Format.bytes(breakdown.total(structure)))
        }
        let all = StorageBreakdown.Structure.allCases.reduce(0) { $0 + breakdown.total($1) }
        context.output.line("all".padding(to: 22) + fields.map { Format.bytes(breakdown.total(field: $0)).padding(to: width) }.joined()
            + Format.bytes(all))
        context.output.line("(and \(Format.bytes(breakdown.otherBytes)) of headers, footers and the dictionary's block index)")
    }

    static func breakdownJSON(_ breakdown: StorageBreakdown) -> JSONValue {
        func perField(_ values: [Int]) -> JSONValue {
            .object(JSONObject(StorageBreakdown.fields.indices.map { (StorageBreakdown.fields[$0], .integer(values[$0])) }))
        }
        return .object(JSONObject([
            ("terms", perField(breakdown.terms)),
            ("structures", .object(JSONObject(StorageBreakdown.Structure.allCases.map { ($0.rawValue, perField(breakdown.bytes[$0] ?? [])) }))),
            ("other", .integer(breakdown.otherBytes)),
        ]))
    }

    /// The files by kind, summed over the segments: "terms.pst", ..., "deletions", "commit".
    static func fileKinds(_ files: [(name: String, bytes: Int)]) -> [(name: String, bytes: Int)] {
        var kinds: [(name: String, bytes: Int)] = []
        for file in files {
            let kind = file.name.hasSuffix(".psx") ? "deletions"
                : file.name.hasPrefix("commit-") ? "commit" : String(file.name.split(separator: "/").last ?? "")
            if let at = kinds.firstIndex(where: { $0.name == kind }) { kinds[at].bytes += file.bytes } else { kinds.append((kind, file.bytes)) }
        }
        return kinds
    }
}

extension StatsCommand {
    /// What an index holds, as JSON (also the server's `/api/stats`).
    static func statisticsJSON(_ stats: IndexStatistics) -> JSONValue {
        .object(JSONObject([
            ("index", .string(stats.path)), ("generation", .string(stats.generation)), ("createdAt", .string(stats.createdAt)),
            ("analyzer", .string(stats.analyzer)), ("papers", .integer(stats.documentCount)),
            ("deleted", .integer(stats.deletedCount)),
            ("segments", .array(stats.segments.map { segment in
                .object(JSONObject([("name", .string(segment.name)), ("papers", .integer(segment.documentCount - segment.deletedCount)),
                                    ("deleted", .integer(segment.deletedCount)), ("terms", .integer(segment.termCount)),
                                    ("postings", .integer(segment.postingCount)), ("bytes", .integer(segment.bytes)),
                                    ("createdAt", .string(segment.createdAt))]))
            })),
            ("roots", stats.roots.map { .array($0.map { .string($0) }) } ?? .null), ("sourceFiles", .integer(stats.sourceCount)),
            ("terms", .integer(stats.termCount)), ("postings", .integer(stats.postingCount)),
            ("averageTitleLength", .double(stats.averageTitleLength)),
            ("averageAbstractLength", .double(stats.averageAbstractLength)),
            ("bytes", .integer(stats.totalBytes)),
            ("files", .object(JSONObject(stats.files.map { ($0.name, .integer($0.bytes)) }))),
        ]))
    }
}

/// `papers verify`: check every byte of the index.
enum VerifyCommand: Command {
    static let name = "verify"
    static let usage = "[--index DIR]"
    static let abstract = "Check every file of the index against its checksum and structure."
    static let discussion = """
        Recomputes the CRC-32 of every file, the commit and the manifests, and walks every structure of every
        segment: each term in order,
        each postings list and its positions, each stored record (with their own checksums). Opening an
        index and searching check less, and cheaply (see the README's "Damage" section); verify checks all.

        EXAMPLES:
          papers verify
          papers verify --index ~/arxiv-index
        """
    static let options: [OptionSpec] = [.option("--index", value: "DIR", help: "Where the index lives.")]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let index = try SearchIndex.open(at: context.indexDirectory(arguments))
        try index.verify()
        let stats = index.statisticsSummary
        context.output.line("OK: \(stats.path) (\(stats.generation)): \(stats.segments.count) segment\(stats.segments.count == 1 ? "" : "s"), "
            + "\(stats.files.count) files, \(Format.bytes(stats.totalBytes)), "
            + "\(Format.grouped(stats.documentCount)) papers, \(Format.grouped(stats.termCount)) terms, "
            + "\(Format.grouped(stats.postingCount)) postings checked.")
        return .success
    }
}
