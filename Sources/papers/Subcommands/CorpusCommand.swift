import PaperSearch

/// `papers corpus`: what the readers make of the input, or the records themselves as JSON Lines.
enum CorpusCommand: Command {
    static let name = "corpus"
    static let takesArguments = true
    static let usage = "[PATH ...] [--json] [--strict]"
    static let abstract = "Read a corpus and report what was found (papers, duplicates, skipped lines)."
    static let discussion = """
        PATH is a file or a directory (default: Corpus). Formats are recognised by content: researcher profile
        pages (the bundled corpus), JSON Lines (id, title, abstract, authors, year or date, venue), BEIR
        corpus.jsonl (_id, title, text) and the arXiv metadata snapshot; any of them may be gzipped.
        With --json the merged records are printed as JSON Lines (keys id, title, authors, year, date, venue,
        abstract, sources, then any other fields), which read back in as a corpus unchanged.

        EXAMPLES:
          papers corpus                                   # what the bundled corpus holds
          papers corpus arxiv-metadata-oai-snapshot.json.gz
          papers corpus Corpus --json > papers.jsonl      # convert to JSON Lines
        """
    static let options: [OptionSpec] = [
        .flag("--json", help: "Print the records as JSON Lines on standard output (the report goes to standard error)."),
        .flag("--strict", help: "Stop at the first problem instead of skipping it."),
    ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let paths = arguments.positionals.isEmpty ? ["Corpus"] : arguments.positionals
        let reader = CorpusReader(paths: paths, strict: arguments.has("--strict"))
        let json = arguments.has("--json")
        let report = try reader.read { paper in
            if json {
                var writer = JSONWriter()
                paper.writeRecord(into: &writer)
                context.output.write(bytes: writer.bytes)
                context.output.write("\n")
            }
        }
        CorpusReportPrinter.printProblems(report, to: context)
        let summaryStream = json ? context.errors : context.output
        CorpusReportPrinter.printSummary(report, to: summaryStream)
        if report.uniquePapers == 0 && report.totalSkipped > 0 { return .failure }
        return .success
    }
}

/// Prints a `CorpusReport` for people; shared by `corpus` and `index`.
enum CorpusReportPrinter {
    /// Shows each problem as a warning on standard error (the first 20, then a count).
    static func printProblems(_ report: CorpusReport, to context: CommandContext, limit: Int = 20) {
        for problem in report.problems.prefix(limit) { context.warn(problem.description) }
        let hidden = report.totalProblems - min(limit, report.problems.count)
        if hidden > 0 { context.warn("... and \(hidden) more problems") }
    }

    /// One line a file, then the totals and what was skipped by reason.
    static func printSummary(_ report: CorpusReport, to stream: OutputStream) {
        let width = min(60, report.files.map(\.path.count).max() ?? 0)
        for file in report.files {
            var format = file.format?.rawValue ?? "skipped"
            if !file.notes.isEmpty { format += " (" + file.notes.joined(separator: ", ") + ")" }
            var line = file.path.padding(to: width) + format.padding(to: 30) + count(file.papers, "paper")
            if file.skipped > 0 { line += ", \(file.skipped) skipped" }
            if file.kept > 0 { line += ", \(file.kept) read with a change" }
            stream.line(line)
        }
        let fileCount = count(report.files.count, "file")
        stream.line("\(fileCount): \(count(report.papersRead, "paper")) read, "
            + "\(count(report.duplicatesMerged, "duplicate")) merged, \(count(report.uniquePapers, "unique paper")).")
        if report.skipped.isEmpty {
            stream.line("Skipped: nothing.")
        } else {
            let reasons = report.skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }
            stream.line("Skipped \(report.totalSkipped): " + reasons.joined(separator: ", ") + ".")
        }
        if !report.kept.isEmpty {
            let reasons = report.kept.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }
            stream.line("Read with a change: " + reasons.joined(separator: ", ") + ".")
        }
    }

    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
