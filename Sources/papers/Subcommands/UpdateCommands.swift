import PaperSearch

/// What `index` (when it syncs), `add`, `remove` and `optimize` print.
enum UpdateReporting {
    /// Syncs the index with its recorded files and `adding` (new roots), and reports.
    static func sync(_ directory: String, adding: [String], options: IndexWriter.Options, _ arguments: ParsedArguments,
                     _ context: CommandContext) throws -> ExitCode {
        let result = try IndexSync.sync(index: directory, adding: adding, options: options, strict: arguments.has("--strict"))
        CorpusReportPrinter.printProblems(result.report, to: context)
        let files = result.filesRead + result.filesUnchanged
        let fileText = "\(files) corpus file\(files == 1 ? "" : "s")"
        guard let summary = result.index else {
            if arguments.has("--json") {
                write(nil, extra: [("filesRead", .integer(0)), ("filesUnchanged", .integer(result.filesUnchanged)),
                                   ("filesRemoved", .integer(0))], directory: directory, context)
            } else {
                context.output.line("\(directory) is up to date with its \(fileText).")
            }
            return .success
        }
        if arguments.has("--json") {
            write(summary, extra: [("filesRead", .integer(result.filesRead)), ("filesUnchanged", .integer(result.filesUnchanged)),
                                   ("filesRemoved", .integer(result.filesRemoved))], directory: directory, context)
            return .success
        }
        context.output.line("Synced \(directory) with its \(fileText): \(result.filesRead) read (new or changed), "
            + "\(result.filesUnchanged) unchanged, \(result.filesRemoved) gone.")
        report(summary, context)
        return .success
    }

    /// The changes of a commit and what the index now is.
    static func report(_ summary: IndexSummary, _ context: CommandContext) {
        context.output.line("\(Format.grouped(summary.added)) paper\(summary.added == 1 ? "" : "s") added, \(Format.grouped(summary.updated)) updated, "
            + "\(Format.grouped(summary.removed)) removed"
            + (summary.merges > 0 ? ", \(summary.merges) merge\(summary.merges == 1 ? "" : "s")" : "")
            + " in \(Format.decimal(summary.seconds, places: 2)) s.")
        context.output.line("The index now holds \(Format.grouped(summary.documentCount)) papers in \(summary.segmentCount) "
            + "segment\(summary.segmentCount == 1 ? "" : "s") (\(summary.generation)), \(Format.bytes(summary.totalBytes)).")
    }

    /// The summary as one JSON object.
    static func write(_ summary: IndexSummary?, extra: [(String, JSONValue)], directory: String, _ context: CommandContext) {
        var pairs: [(String, JSONValue)] = [("index", .string(directory)), ("changed", .bool(summary != nil))]
        if let summary {
            pairs += [("generation", .string(summary.generation)), ("papers", .integer(summary.documentCount)),
                      ("added", .integer(summary.added)), ("updated", .integer(summary.updated)), ("removed", .integer(summary.removed)),
                      ("segments", .integer(summary.segmentCount)), ("merges", .integer(summary.merges)),
                      ("bytes", .integer(summary.totalBytes)), ("seconds", .double(summary.seconds))]
        }
        var writer = JSONWriter()
        writer.write(.object(JSONObject(pairs + extra)))
        context.output.write(bytes: writer.bytes)
        context.output.line()
    }
}

/// `papers add`: add papers to the index (or replace them).
enum AddCommand: Command {
    static let name = "add"
    static let takesArguments = true
    static let usage = "PATH ... [--index DIR] [--memory MB] [--strict] [--json]"
    static let abstract = "Add papers to the index; a paper whose id is there already is replaced."
    static let discussion = """
        Reads PATH ... (files or folders, in any corpus format) and adds their papers in one atomic step,
        without rebuilding: the new papers go into a new segment, and segments are merged as they pile up.
        A paper whose id the index holds already replaces it (an update). Files and folders are recorded
        with the index's others, so that 'papers index' keeps them in sync too; papers from standard input
        or a pipe are added but not recorded. Without an index, this builds one from PATH ....

        EXAMPLES:
          papers add today.jsonl                         # the daily feed, into .papers-index
          papers add new-profiles/ --index ~/lab-index
          zcat late.jsonl.gz | papers add - --index idx
        """
    static let options: [OptionSpec] = [
        .option("--index", value: "DIR", help: "Where the index lives."),
        .option("--memory", value: "MB", help: "Memory budget of the indexer in MiB (default 512, at least 16)."),
        .flag("--strict", help: "Stop at the first problem in the corpus instead of skipping it."),
        .flag("--json", help: "Print the summary as JSON."),
    ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let paths = arguments.positionals
        guard !paths.isEmpty else { throw UsageError("papers add needs the files or folders to add (PATH ...)") }
        let directory = context.indexDirectory(arguments)
        var options = IndexWriter.Options()
        options.memoryBudget = try arguments.integer("--memory", default: 512, range: 16...1_048_576) << 20
        MemoryAllocator.returnFreedMemoryPromptly()
        switch Result(catching: { () throws(IndexError) in try SearchIndex.open(at: directory) }) {
        case .failure(.notFound):
            return try IndexCommand.build(paths, into: directory, options: options, arguments, context)
        case let .failure(error):
            throw error
        case .success:
            break
        }
        guard CorpusReader(paths: paths).pathsCanBeReadAgain else {
            let (summary, report) = try IndexSync.addUnrecorded(corpus: paths, into: directory, options: options, strict: arguments.has("--strict"))
            CorpusReportPrinter.printProblems(report, to: context)
            if arguments.has("--json") {
                UpdateReporting.write(summary, extra: [("papersRead", .integer(report.papersRead))], directory: directory, context)
            } else {
                UpdateReporting.report(summary, context)
            }
            return .success
        }
        return try UpdateReporting.sync(directory, adding: paths, options: options, arguments, context)
    }
}

/// `papers remove`: remove papers from the index.
enum RemoveCommand: Command {
    static let name = "remove"
    static let takesArguments = true
    static let usage = "ID ... [--index DIR] [--json]"
    static let abstract = "Remove papers from the index by id."
    static let discussion = """
        Removes the papers with these ids (written as people write them: an arXiv id with or without its
        version, arXiv:..., an arxiv.org URL) in one atomic step. If any id is not in the index, nothing is
        removed and the missing ids are named. A paper removed stays out until its corpus file changes and
        'papers index' reads that file again (or the index is rebuilt).

        EXAMPLES:
          papers remove 2506.01967
          papers remove arXiv:2506.01967v2 https://arxiv.org/abs/2412.00001 --index ~/lab-index
        """
    static let options: [OptionSpec] = [
        .option("--index", value: "DIR", help: "Where the index lives."),
        .flag("--json", help: "Print the summary as JSON."),
    ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let ids = arguments.positionals
        guard !ids.isEmpty else { throw UsageError("papers remove needs the ids of the papers to remove (ID ...)") }
        let directory = context.indexDirectory(arguments)
        let index = try SearchIndex.open(at: directory)
        let missing = try ids.filter { try index.documentNumber(forID: $0) == nil }
        guard missing.isEmpty else {
            context.errors.line("error: not in the index at \(directory): \(missing.joined(separator: ", ")); nothing was removed")
            return .failure
        }
        let writer = try IndexWriter(directory: directory)
        do {
            for id in ids {
                guard try writer.remove(id: id) else {
                    // Another writer changed the index since it was opened above.
                    writer.abandon()
                    context.errors.line("error: \(id) is no longer in the index at \(directory); nothing was removed")
                    return .failure
                }
            }
        } catch {
            writer.abandon()
            throw error
        }
        let summary = try writer.commit()
        if arguments.has("--json") {
            UpdateReporting.write(summary, extra: [], directory: directory, context)
        } else {
            UpdateReporting.report(summary, context)
        }
        return .success
    }
}

/// `papers optimize`: merge the index into one segment.
enum OptimizeCommand: Command {
    static let name = "optimize"
    static let usage = "[--index DIR] [--json]"
    static let abstract = "Merge every segment into one, purging deleted papers."
    static let discussion = """
        Rewrites the live papers of every segment into one, in one atomic step: the smallest index and the
        fastest searches, for the time of rewriting every paper. Adding papers merges segments as needed
        anyway (never more than about ten of a size); this is for an index that will not change for a while.

        EXAMPLES:
          papers optimize
          papers optimize --index ~/arxiv-index
        """
    static let options: [OptionSpec] = [
        .option("--index", value: "DIR", help: "Where the index lives."),
        .flag("--json", help: "Print the summary as JSON."),
    ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let directory = context.indexDirectory(arguments)
        _ = try SearchIndex.open(at: directory)
        let writer = try IndexWriter(directory: directory)
        writer.mergeEverything()
        let summary = try writer.commit()
        if arguments.has("--json") {
            UpdateReporting.write(summary, extra: [], directory: directory, context)
        } else {
            context.output.line("\(directory): \(Format.grouped(summary.documentCount)) papers in \(summary.segmentCount) "
                + "segment\(summary.segmentCount == 1 ? "" : "s") (\(summary.generation)), \(Format.bytes(summary.totalBytes)), "
                + "in \(Format.decimal(summary.seconds, places: 2)) s.")
        }
        return .success
    }
}
