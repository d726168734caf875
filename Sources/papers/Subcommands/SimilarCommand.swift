import PaperSearch
import PaperSearchEvaluation

/// `papers similar`: papers like one paper, a reading list, or a pasted text; or a batch written as a TREC run.
enum SimilarCommand: Command {
    static let name = "similar"
    static let takesArguments = true
    static let usage = "ID [ID ...] [-k N] [--json] [--explain] [--index DIR] | --text TEXT|- | --queries Q.jsonl --run RUN.tsv [-k N]"
    static let abstract = "Find papers like one paper, a reading list, or a pasted abstract."
    static let discussion = """
        The most informative words of the sources (by tf-idf, title words counting double) become one weighted
        query, run through the same pruned top-k as search. The sources, and the same paper under another id,
        are never returned. --text takes an abstract or draft instead of ids (- reads standard input).
        With --queries, every line {"id": ..., "text": ...} or {"id": ..., "ids": [...]} is a source, and the
        results are written to --run as a TREC run (qid Q0 docid rank score tag).
        --method lucene uses Lucene's MoreLikeThis defaults instead (for comparison).

        EXAMPLES:
          papers similar 2106.09685
          papers similar 2106.09685 2305.14314 -k 20          # papers like a reading list
          papers similar --text - --title "My draft" < draft.txt
        """
    static let options: [OptionSpec] = [
        .option("--limit", "-k", value: "N", help: "How many results (default 10; 1000 with --queries)."),
        .option("--text", value: "TEXT", help: "Papers like this text (- reads it from standard input)."),
        .option("--title", value: "TITLE", help: "With --text: the draft's title (its words weigh more)."),
        .flag("--json", help: "Print the results as JSON."),
        .flag("--explain", help: "Show the query terms chosen and each result's score broken into terms."),
        .option("--index", value: "DIR", help: "Where the index lives."),
        .option("--queries", value: "FILE", help: "Find papers like every source of a JSON Lines file."),
        .option("--run", value: "FILE", help: "With --queries: where to write the TREC run (default: standard output)."),
        .option("--tag", value: "TAG", help: "With --queries: the run's tag (default papersearch-similar)."),
        .option("--method", value: "NAME", help: "papersearch (default) or lucene (MoreLikeThis defaults)."),
    ] + IndexAccess.parameterOptions

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let methodName = arguments.value("--method") ?? SimilarOptions.Method.paperSearch.rawValue
        guard let method = SimilarOptions.Method(rawValue: methodName) else {
            throw UsageError("--method takes papersearch or lucene, not '\(methodName)'")
        }
        let sourceForms = [!arguments.positionals.isEmpty, arguments.value("--text") != nil, arguments.value("--queries") != nil]
        guard sourceForms.filter({ $0 }).count == 1 else { throw UsageError("give paper ids, --text, or --queries (one of them)") }
        if let queries = arguments.value("--queries") { return try runBatch(queries, method: method, arguments, context) }

        let limit = try arguments.integer("--limit", default: 10, range: 0...100_000)
        let options = SimilarOptions(method: method, limit: limit, snippets: true, explain: arguments.has("--explain"))
        let index = try IndexAccess.open(arguments, context)
        let searcher = try IndexAccess.searcher(index, arguments)
        let results: SimilarResults
        if var text = arguments.value("--text") {
            if text == "-" { text = String(decoding: try OutputStream.readStandardInput(limit: InputLimits.textBytes), as: UTF8.self) }
            guard text.utf8.count <= InputLimits.textBytes else {
                throw UsageError("--text is longer than \(InputLimits.textBytes >> 20) MiB; give an abstract or a draft, not a book")
            }
            results = try searcher.similar(text: text, title: arguments.value("--title") ?? "", options: options)
        } else {
            results = try searcher.similar(to: arguments.positionals, options: options)
        }
        if arguments.has("--json") {
            printJSON(results, sources: arguments.positionals, context)
        } else {
            printHuman(results, explain: options.explain, context)
        }
        return .success
    }

    static func printJSON(_ results: SimilarResults, sources: [String], _ context: CommandContext) {
        var writer = JSONWriter()
        writer.write(resultsJSON(results, sources: sources))
        context.output.write(bytes: writer.bytes)
        context.output.line()
    }

    /// Similar results as JSON (also the server's `/api/similar`).
    static func resultsJSON(_ results: SimilarResults, sources: [String]) -> JSONValue {
        .object(JSONObject([
            ("sources", .array(sources.map { .string($0) })),
            ("terms", .array(results.terms.map { .object(JSONObject([("term", .string($0.term)), ("weight", .double($0.weight))])) })),
            ("excluded", .integer(results.excluded)),
            ("notice", results.notice.map { .string($0) } ?? .null),
            ("hits", .array(results.hits.enumerated().map { SearchCommand.hitJSON($1, rank: $0 + 1) })),
        ]))
    }

    static func printHuman(_ results: SimilarResults, explain: Bool, _ context: CommandContext) {
        if let notice = results.notice {
            context.output.line("No results: \(notice).")
            return
        }
        if explain {
            let terms = results.terms.map { "\($0.term) \(Format.decimal($0.weight, places: 2))" }
            context.output.line("Query terms (weight): " + terms.joined(separator: ", "))
            context.output.line()
        }
        guard !results.hits.isEmpty else {
            context.output.line("No similar papers found.")
            return
        }
        let (open, close) = context.highlight
        for (rank, hit) in results.hits.enumerated() { SearchCommand.printHit(hit, rank: rank + 1, open: open, close: close, context) }
        if results.excluded > 0 {
            context.output.line("Left out \(results.excluded) source paper\(results.excluded == 1 ? "" : "s") or duplicate\(results.excluded == 1 ? "" : "s") of them.")
        }
    }

    static func runBatch(_ path: String, method: SimilarOptions.Method, _ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let limit = try arguments.integer("--limit", default: 1000, range: 1...100_000)
        let tag = arguments.value("--tag") ?? "papersearch-similar"
        let queries = try QueryRecord.read(path: path)
        let index = try IndexAccess.open(arguments, context)
        let searcher = try IndexAccess.searcher(index, arguments)
        let options = SimilarOptions(method: method, limit: limit, snippets: false)
        var lines: [UInt8] = []
        var failures = 0
        for query in queries {
            let outcome = Result { () throws(SearchError) in
                query.ids.isEmpty ? try searcher.similar(text: query.text, title: query.title ?? "", options: options)
                                  : try searcher.similar(to: query.ids, options: options)
            }
            if case let .failure(.unknownPaper(id)) = outcome {
                context.warn("query \(query.id): no paper with id '\(id)' in the index")
                failures += 1
                continue
            }
            RunFile.append(query: query.id, hits: try outcome.get().hits, tag: tag, to: &lines)
        }
        try SearchCommand.finishRun(lines, arguments, context, summary: "Found papers like \(queries.count - failures) of \(queries.count) sources")
        return failures > 0 ? .failure : .success
    }
}
