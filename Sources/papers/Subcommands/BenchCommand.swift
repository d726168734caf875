import PaperSearch
import PaperSearchEvaluation

/// `papers bench`: query latency of an index.
enum BenchCommand: Command {
    static let name = "bench"
    static let usage = "[--index DIR] [--queries FILE [--syntax]] [--exact] [--count-limit N] [--runs N] [--threads N] [-k N] [--json]"
    static let abstract = "Measure query latency: p50, p95, p99, max and queries per second, per query type."
    static let discussion = """
        Runs a query log against the index after an untimed warm-up pass, first on one thread, then on all
        cores. --queries is JSON Lines ({"id", "text"}, optional "type" to group the report), read as plain
        words like batch search; with --syntax each line's "query" (else its "text") is read in the query
        language, as the AND and phrase logs of the peers harness give it ({"text", "op", "query": "+a +b"}).
        Without --queries, a fixed mix is drawn from the index itself: single words of high, middle and low
        frequency, two- and three-word OR, AND, phrases (a title's first two words), 5-10 word queries,
        field and year filters, similar of a random paper, and whole titles as phrases. A line {"id", "ids":
        [ID]} of a query log times similar. Timing covers the search call up to hits with ids and scores,
        including typo corrections, acronym expansions and "did you mean"; --exact times the words as
        written alone, the work the peer engines do. AND and phrase queries count 1,000 matches exactly
        before they prune, as Lucene does; --count-limit 0 counts none, as tantivy's count=False. The cost
        of snippets is reported apart.

        EXAMPLES:
          papers bench
          papers bench --queries log.jsonl --runs 5 --threads 2 --json
          papers bench --queries and-phrase-log.jsonl --syntax --exact --threads 1
        """
    static let options: [OptionSpec] = [
        .option("--index", value: "DIR", help: "Where the index lives."),
        .option("--queries", value: "FILE", help: "A query log (JSON Lines)."),
        .flag("--syntax", help: "With --queries: read each line's \"query\" (else its \"text\") in the query language."),
        .flag("--exact", help: "Words as written: no corrections, acronym expansions or suggestions."),
        .option("--count-limit", value: "N", help: "Matches AND and phrases count exactly before pruning (default 1000)."),
        .option("--runs", value: "N", help: "Timed passes over the queries (default 3)."),
        .option("--threads", value: "N", help: "Threads for the second measurement (default: all cores)."),
        .option("--limit", "-k", value: "N", help: "Results per query (default 10)."),
        .flag("--json", help: "Print the report as JSON."),
    ] + IndexAccess.parameterOptions

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let runs = try arguments.integer("--runs", default: 3, range: 1...1000)
        let threads = try arguments.integer("--threads", default: ProcessorInfo.activeProcessorCount, range: 1...256)
        let limit = try arguments.integer("--limit", default: 10, range: 1...10_000)
        let index = try IndexAccess.open(arguments, context)
        let searcher = try IndexAccess.searcher(index, arguments)
        let queries: [LatencyBenchmark.Query]
        if arguments.has("--syntax") && arguments.value("--queries") == nil { throw UsageError("--syntax reads a query log: give --queries FILE") }
        if let path = arguments.value("--queries") {
            queries = try QueryRecord.read(path: path).map { record in
                record.ids.count == 1 ? LatencyBenchmark.Query(text: record.ids[0], type: record.type ?? "similar", form: .similar)
                    : arguments.has("--syntax") ? LatencyBenchmark.Query(text: record.syntaxText, type: record.type ?? "query", form: .syntax)
                    : LatencyBenchmark.Query(text: record.text, type: record.type ?? "query", form: .plain)
            }
            // A query that does not parse would be timed as a failure: refuse the log instead.
            for query in queries where query.form == .syntax {
                do { _ = try QueryParser.parse(query.text) } catch { throw UsageError("\(path): '\(query.text)': \(error)") }
            }
        } else {
            queries = try QueryMix.draw(from: index, seed: 42)
        }
        guard !queries.isEmpty else { throw UsageError("no queries to run") }
        let exact = arguments.has("--exact")
        let countLimit = try arguments.integer("--count-limit", default: SearchOptions.defaultCountLimit, range: 0...Int(Int32.max))
        let single = LatencyBenchmark.run(searcher: searcher, queries: queries, runs: runs, threads: 1, limit: limit, exact: exact,
                                          countLimit: countLimit)
        // With one thread asked for, the single-thread measurement is the whole answer.
        let parallel = threads == 1 ? single
            : LatencyBenchmark.run(searcher: searcher, queries: queries, runs: runs, threads: threads, limit: limit, exact: exact,
                                          countLimit: countLimit)
        let snippetQueries = Array(queries.prefix(200))
        let withSnippets = LatencyBenchmark.run(searcher: searcher, queries: snippetQueries, runs: 1, threads: 1, limit: limit, snippets: true,
                                                  exact: exact, countLimit: countLimit)
        let withoutSnippets = LatencyBenchmark.run(searcher: searcher, queries: snippetQueries, runs: 1, threads: 1, limit: limit, exact: exact,
                                          countLimit: countLimit)
        let snippetCost = (withSnippets.rows.last?.mean ?? 0) - (withoutSnippets.rows.last?.mean ?? 0)

        if arguments.has("--json") {
            func rows(_ report: LatencyBenchmark.Report) -> JSONValue {
                .object(JSONObject(report.rows.map { row in
                    (row.type, .object(JSONObject([
                        ("count", .integer(row.count)), ("p50_us", .double(row.p50)), ("p95_us", .double(row.p95)),
                        ("p99_us", .double(row.p99)), ("max_us", .double(row.max)), ("mean_us", .double(row.mean)),
                        ("qps", .double(row.rate)),
                    ])))
                }))
            }
            var writer = JSONWriter()
            writer.write(.object(JSONObject([
                ("index", .string(index.path)), ("papers", .integer(index.documentCount)), ("queries", .integer(queries.count)),
                ("runs", .integer(runs)), ("k", .integer(limit)), ("threads", .integer(threads)),
                ("single_thread", rows(single)), ("all_threads", rows(parallel)), ("snippet_cost_us", .double(snippetCost)),
            ])))
            context.output.write(bytes: writer.bytes)
            context.output.line()
            return .success
        }
        context.output.line("\(Format.grouped(queries.count)) queries × \(runs) runs, top \(limit), on \(Format.grouped(index.documentCount)) papers (\(index.path))")
        for (title, report) in [("1 thread", single)] + (threads > 1 ? [("\(threads) threads", parallel)] : []) {
            context.output.line("")
            context.output.line(title + ": latency in µs")
            context.output.line("type".padding(to: 14) + "count".padding(to: 8) + "p50".padding(to: 10) + "p95".padding(to: 10)
                + "p99".padding(to: 10) + "max".padding(to: 10) + "queries/s")
            for row in report.rows {
                context.output.line(row.type.padding(to: 14) + String(row.count).padding(to: 8)
                    + Format.decimal(row.p50, places: 1).padding(to: 10) + Format.decimal(row.p95, places: 1).padding(to: 10)
                    + Format.decimal(row.p99, places: 1).padding(to: 10) + Format.decimal(row.max, places: 1).padding(to: 10)
                    + Format.grouped(Int(row.rate)))
            }
        }
        context.output.line("")
        context.output.line("Snippets and stored records add \(Format.decimal(snippetCost, places: 1)) µs a query (mean of \(snippetQueries.count)).")
        return .success
    }
}
