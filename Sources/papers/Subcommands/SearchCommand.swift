import PaperSearch
import PaperSearchEvaluation

/// Opening the index for commands that read it; the default index is built from the bundled corpus on
/// first use, so `papers search ...` works on a fresh clone, synced when a file of Corpus changed, and rebuilt
/// when an older PaperSearch wrote it.
enum IndexAccess {
    static func open(_ arguments: ParsedArguments, _ context: CommandContext) throws -> SearchIndex {
        let directory = context.indexDirectory(arguments)
        let isDefault = arguments.value("--index") == nil && context.environment["PAPERS_INDEX"] == nil
        let opened = Result { () throws(IndexError) in try SearchIndex.open(at: directory) }
        if case let .success(index) = opened {
            guard isDefault, IndexSync.needsSync(index) else { return index }
            // Corpus changed (the stat of each file says so): sync, unless another process is writing the
            // index just now, in which case the index as it is answers.
            context.errors.line("Corpus changed since \(directory) was built: syncing it...")
            do {
                let result = try IndexSync.sync(index: directory)
                if let summary = result.index {
                    context.errors.line("\(summary.added) papers added, \(summary.updated) updated, \(summary.removed) removed.")
                }
                return try SearchIndex.open(at: directory)
            } catch IndexError.locked {
                return index
            }
        }
        guard case let .failure(failure) = opened else { return try opened.get() }
        let madeByOlderVersion = switch failure {
        case .formatTooOld, .analyzerMismatch: true
        default: false
        }
        guard isDefault, failure == .notFound(path: directory) || madeByOlderVersion else { throw failure }
        // Outside a checkout there is nothing to build the default index from: say where we looked, and how
        // to index one's own papers, and create nothing.
        guard FileSystem.isDirectory("Corpus") else { throw IndexAccessError.noIndexHere(directory: directory) }
        context.errors.line(madeByOlderVersion ? "The index at \(directory) was made by an older PaperSearch: rebuilding it from Corpus..."
                                          : "No index yet at \(directory): building it from Corpus (once)...")
        let (summary, _) = try IndexBuilder.build(corpus: ["Corpus"], into: directory)
        context.errors.line("Indexed \(Format.grouped(summary.documentCount)) papers in \(Format.decimal(summary.seconds, places: 2)) s.")
        return try SearchIndex.open(at: directory)
    }

    /// Why there is no index to search.
    enum IndexAccessError: Error, CustomStringConvertible {
        case noIndexHere(directory: String)

        var description: String {
            switch self {
            case let .noIndexHere(directory):
                return """
                    no index at \(directory) in this folder, and no Corpus folder to build the bundled one from.
                    Index your own papers with 'papers index PATH ... --index DIR' (JSON Lines, BEIR, the arXiv
                    snapshot or profile pages, gzipped or not), then search with --index DIR or PAPERS_INDEX=DIR;
                    or run papers in a PaperSearch checkout.
                    """
            }
        }
    }

    static let parameterOptions: [OptionSpec] = [
        .option("--k1", value: "X", help: "BM25 k1 (default: the index's).", hidden: true),
        .option("--b", value: "X", help: "BM25 b (default: the index's).", hidden: true),
        .option("--title-weight", value: "X", help: "Weight of title words (default: the index's).", hidden: true),
        .option("--author-weight", value: "X", help: "Weight of words found among the authors (default: the index's).", hidden: true),
    ]

    static func searcher(_ index: SearchIndex, _ arguments: ParsedArguments) throws -> Searcher {
        var parameters = index.statisticsSummary.parameters
        parameters.k1 = try arguments.double("--k1", default: parameters.k1, range: 0...100)
        parameters.b = try arguments.double("--b", default: parameters.b, range: 0...1)
        parameters.titleWeight = try arguments.double("--title-weight", default: parameters.titleWeight, range: 0...100)
        parameters.authorWeight = try arguments.double("--author-weight", default: parameters.authorWeight, range: 0...100)
        return try Searcher(index: index, parameters: parameters)
    }
}

/// `papers search`: one query, or a file of queries written as a TREC run.
enum SearchCommand: Command {
    static let name = "search"
    static let takesArguments = true
    static let usage = "QUERY [-k N] [--offset N] [--sort relevance|date|-date] [--facets F,...] [--count] [--json] [--explain] [--plain] [--exact] [--index DIR] | --queries Q.jsonl --run RUN.tsv [-k N] [--syntax]"
    static let abstract = "Search the index (built from Corpus on first use)."
    static let discussion = """
        QUERY uses the query language: words (any of them; they search titles, abstracts and authors),
        +required -excluded, AND OR NOT and parentheses, "exact phrases", fields title: abstract: author:
        venue: category: id:, year:2021, year:2019..2023, year:>=2020, prefixes such as quantiz*, and words
        with their near spellings such as tranformer~ (tranformer~2: two edits). A required field or year
        only filters: 'quantum +year:2025 +category:quant-ph' is quantum papers of 2025 in quant-ph. A word of
        four letters or more that no paper holds is searched as its near spellings, with a note. In a short
        query, an acronym the papers define also finds its long form ('BNN': "binary neural networks"; see
        papers acronyms) and the long form its acronym; =BNN searches the word alone. --exact turns both
        off. British and American spellings are one word. --plain takes QUERY as plain words.
        --sort -date puts the newest first (by each paper's date, else its year; papers with neither last),
        date the oldest. --facets year,category,venue,author counts every match by those fields (the 10 most
        frequent values each, --facet-limit N); --count prints only the exact number of matches.
        With --queries, every line {"id": ..., "text": ...} of the file is searched and the results written to
        --run as a TREC run (qid Q0 docid rank score tag); the texts are plain words unless --syntax.
        A query that starts with '-' needs '--' before it when it is one word: papers search -- -classical.

        EXAMPLES:
          papers search "binary neural networks"
          papers search '"surface code" +year:>=2020' -k 20
          papers search 'author:"Zechun Liu" quantization' --json
          papers search 'LLMs +category:cs.CL' --sort -date --facets year,author
          papers search --queries queries.jsonl --run run.tsv --index ~/scifact-index
        """
    static let options: [OptionSpec] = [
        .option("--limit", "-k", value: "N", help: "How many results (default 10; 1000 with --queries)."),
        .option("--offset", value: "N", help: "Skip the first N results (paging)."),
        .flag("--json", help: "Print the results as JSON."),
        .flag("--explain", help: "Show each result's score broken into terms."),
        .flag("--plain", help: "Take the query as plain words, not the query language."),
        .flag("--exact", help: "Search the words as written: no near spellings of a word no paper holds, no acronym expansion."),
        .option("--sort", value: "ORDER", help: "relevance (default), -date (newest first) or date (oldest first)."),
        .option("--facets", value: "FIELDS", help: "Count every match by year, category, venue, author (comma-separated)."),
        .option("--facet-limit", value: "N", help: "How many values of each facet to show (default 10)."),
        .flag("--count", help: "Print only the exact number of matches."),
        .option("--index", value: "DIR", help: "Where the index lives."),
        .option("--queries", value: "FILE", help: "Search every query of a JSON Lines file."),
        .option("--run", value: "FILE", help: "With --queries: where to write the TREC run (default: standard output)."),
        .flag("--syntax", help: "With --queries: read each line's \"query\" (else its \"text\") in the query language."),
        .option("--tag", value: "TAG", help: "With --queries: the run's tag (default papersearch)."),
        .flag("--exhaustive", help: "Score every match (no pruning).", hidden: true),
    ] + IndexAccess.parameterOptions

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        if let queries = arguments.value("--queries") {
            guard arguments.positionals.isEmpty else { throw UsageError("give either QUERY or --queries, not both") }
            return try runBatch(queries, arguments, context)
        }
        guard !arguments.positionals.isEmpty else { throw UsageError("a query is missing") }
        let text = arguments.positionals.joined(separator: " ")
        let limit = try arguments.integer("--limit", default: 10, range: 0...100_000)
        let offset = try arguments.integer("--offset", default: 0, range: 0...1_000_000)
        let index = try IndexAccess.open(arguments, context)
        let searcher = try IndexAccess.searcher(index, arguments)
        var options = SearchOptions(limit: limit, offset: offset, snippets: true, explain: arguments.has("--explain"),
                                    exhaustive: arguments.has("--exhaustive"))
        options.corrections = !arguments.has("--exact")
        options.acronyms = !arguments.has("--exact")
        let sortName = arguments.value("--sort") ?? "relevance"
        guard let sort = SortOrder(rawValue: sortName) else {
            throw UsageError("--sort takes relevance, date or -date, not '\(sortName)'")
        }
        options.sort = sort
        options.facetLimit = try arguments.integer("--facet-limit", default: 10, range: 0...10_000)
        for name in (arguments.value("--facets") ?? "").split(separator: ",").map({ $0.filter { $0 != " " } }) {
            guard let field = FacetField(rawValue: name) else {
                throw UsageError("--facets takes year, category, venue and author, not '\(name)'")
            }
            if !options.facets.contains(field) { options.facets.append(field) }
        }
        if arguments.has("--count") {
            options.exactCount = true
            options.limit = 0
        }
        let outcome = Result { () throws(SearchError) in
            arguments.has("--plain") ? try searcher.search(QueryParser.plainWords(text), options: options)
                                     : try searcher.search(text, options: options)
        }
        if case let .failure(.query(error)) = outcome {
            context.errors.line("error: \(error)")
            return .usage
        }
        let results = try outcome.get()
        if arguments.has("--count") && !arguments.has("--json") {
            context.output.line(String(results.totalHits))
            return .success
        }
        if arguments.has("--json") {
            printJSON(results, text: text, offset: offset, context)
        } else {
            printHuman(results, offset: offset, context)
        }
        return .success
    }

    static func printJSON(_ results: SearchResults, text: String, offset: Int, _ context: CommandContext) {
        var writer = JSONWriter()
        writer.write(resultsJSON(results, text: text, offset: offset))
        context.output.write(bytes: writer.bytes)
        context.output.line()
    }

    /// Search results as JSON (also the server's `/api/search`).
    static func resultsJSON(_ results: SearchResults, text: String, offset: Int) -> JSONValue {
        .object(JSONObject([
            ("query", .string(text)), ("total", .integer(results.totalHits)), ("totalIsExact", .bool(results.totalIsExact)),
            ("notice", results.notice.map { .string($0) } ?? .null),
            ("notices", .array(results.notices.map { .string($0) })),
            ("suggestion", results.suggestion.map { .string($0) } ?? .null),
            ("facets", .array(results.facets.map(facetJSON))),
            ("hits", .array(results.hits.enumerated().map { hitJSON($1, rank: offset + $0 + 1) })),
        ]))
    }

    /// One facet as JSON: its field, its most frequent values with their counts, and how many values there are.
    static func facetJSON(_ facet: Facet) -> JSONValue {
        .object(JSONObject([
            ("field", .string(facet.field.rawValue)),
            ("values", .array(facet.values.map { .object(JSONObject([("value", .string($0.value)), ("count", .integer($0.count))])) })),
            ("distinctValues", .integer(facet.distinctValues)),
        ]))
    }

    /// One hit as JSON (shared with `papers similar`): rank and score, then the whole paper (id, title,
    /// authors, year, date, venue, categories, abstract, sources, and the source's other fields under
    /// `extra`), then the snippet, whose `highlights` are [start, end) offsets in Unicode scalars (code
    /// points) of its text.
    static func hitJSON(_ hit: Hit, rank: Int) -> JSONValue {
        var object = JSONObject([("rank", .integer(rank)), ("score", .double(hit.score))])
        var record = JSONWriter()
        hit.paper.writeRecord(into: &record)
        if hit.paper.title.isEmpty && hit.paper.abstract.isEmpty {
            object["id"] = .string(hit.id)  // searched without records: the id alone
        } else if case let .object(paper)? = try? JSONParser.parse(record.bytes) {
            var extra = JSONObject()
            for (key, value) in paper.pairs {
                if Paper.recordKeys.contains(key) { object[key] = value } else { extra[key] = value }
            }
            object["extra"] = .object(extra)
        }
        if let snippet = hit.snippet {
            object["snippet"] = .object(JSONObject([
                ("text", .string(snippet.text)),
                ("highlights", .array(snippet.highlights.map { .array([.integer($0.lowerBound), .integer($0.upperBound)]) })),
                ("offsets", .string("unicode-scalars")),
            ]))
        }
        if let explanation = hit.explanation { object["explanation"] = explanationJSON(explanation) }
        return .object(object)
    }

    static func explanationJSON(_ explanation: Explanation) -> JSONValue {
        .object(JSONObject([
            ("titleLength", .integer(explanation.titleLength)), ("abstractLength", .integer(explanation.abstractLength)),
            ("k1", .double(explanation.parameters.k1)), ("b", .double(explanation.parameters.b)),
            ("titleWeight", .double(explanation.parameters.titleWeight)),
            ("terms", .array(explanation.terms.map { term in
                .object(JSONObject([
                    ("term", .string(term.term)), ("idf", .double(term.idf)), ("titleFrequency", .integer(term.titleFrequency)),
                    ("abstractFrequency", .integer(term.abstractFrequency)), ("saturation", .double(term.saturation)),
                    ("score", .double(term.score)),
                ]))
            })),
        ]))
    }

    static func printHuman(_ results: SearchResults, offset: Int, _ context: CommandContext) {
        for notice in results.notices { context.errors.line("note: \(notice)") }
        if let suggestion = results.suggestion { context.output.line("Did you mean: \(suggestion)") }
        if let notice = results.notice {
            context.output.line("No results: \(notice).")
            return
        }
        let (open, close) = context.highlight
        if results.hits.isEmpty {
            context.output.line(results.totalHits == 0 ? "No papers match." : "No results on this page (\(Format.grouped(results.totalHits)) matches).")
            return
        }
        for (rank, hit) in results.hits.enumerated() { printHit(hit, rank: offset + rank + 1, open: open, close: close, context) }
        let shown = "\(offset + 1)-\(offset + results.hits.count)"
        let total = results.totalIsExact ? "\(Format.grouped(results.totalHits)) papers match" : "at least \(Format.grouped(results.totalHits)) papers match"
        context.output.line("\(total); showing \(shown).")
        for facet in results.facets {
            let values = facet.values.map { "\($0.value) (\(Format.grouped($0.count)))" }.joined(separator: " · ")
            let more = facet.distinctValues > facet.values.count ? " · \(Format.grouped(facet.distinctValues - facet.values.count)) more" : ""
            context.output.line("\(facet.field.rawValue): " + (values.isEmpty ? "none" : values) + more)
        }
    }

    /// One hit for people: rank and title, details, snippet, and the score's terms when explained.
    static func printHit(_ hit: Hit, rank: Int, open: String, close: String, _ context: CommandContext) {
        let title = open + hit.paper.title + close
        context.output.line("\(rank). \(title)")
        var details = [hit.id]
        if let year = hit.paper.year { details.append(String(year)) }
        if let venue = hit.paper.venue { details.append(venue) }
        if !hit.paper.categories.isEmpty { details.append(hit.paper.categories.prefix(3).joined(separator: " ")) }
        if !hit.paper.authors.isEmpty {
            let shown = hit.paper.authors.prefix(3).joined(separator: ", ")
            details.append(hit.paper.authors.count > 3 || hit.paper.extra["more_authors"] == .bool(true) ? shown + " et al." : shown)
        }
        details.append("score " + Format.decimal(hit.score, places: 3))
        context.output.line("   " + details.joined(separator: " · "))
        if let snippet = hit.snippet { context.output.line("   " + snippet.rendered(open: open, close: close)) }
        if let explanation = hit.explanation {
            for term in explanation.terms {
                context.output.line("     \(Format.decimal(term.score, places: 3))  \(term.term): idf \(Format.decimal(term.idf, places: 3)) × "
                    + "saturation \(Format.decimal(term.saturation, places: 3)) (tf title \(term.titleFrequency), abstract \(term.abstractFrequency))")
            }
            context.output.line("     lengths: title \(explanation.titleLength), abstract \(explanation.abstractLength); "
                + "k1 \(explanation.parameters.k1), b \(explanation.parameters.b), title weight \(explanation.parameters.titleWeight)")
        }
        context.output.line()
    }

    static func runBatch(_ path: String, _ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let limit = try arguments.integer("--limit", default: 1000, range: 1...100_000)
        let tag = arguments.value("--tag") ?? "papersearch"
        let queries = try QueryRecord.read(path: path)
        let index = try IndexAccess.open(arguments, context)
        let searcher = try IndexAccess.searcher(index, arguments)
        var options = SearchOptions(limit: limit, snippets: false, exhaustive: arguments.has("--exhaustive"), records: false)
        options.corrections = !arguments.has("--exact")
        options.acronyms = !arguments.has("--exact")
        var lines: [UInt8] = []
        var failures = 0
        for query in queries {
            let outcome = Result { () throws(SearchError) in
                arguments.has("--syntax") ? try searcher.search(query.syntaxText, options: options)
                                          : try searcher.search(QueryParser.plainWords(query.text), options: options)
            }
            if case let .failure(.query(error)) = outcome {
                context.warn("query \(query.id): \(error.message) at position \(error.position)")
                failures += 1
                continue
            }
            RunFile.append(query: query.id, hits: try outcome.get().hits, tag: tag, to: &lines)
        }
        try finishRun(lines, arguments, context, summary: "Searched \(queries.count) queries")
        return failures > 0 ? .failure : .success
    }

    /// Writes a batch's run lines to --run (saying so on standard error) or to standard output.
    static func finishRun(_ lines: [UInt8], _ arguments: ParsedArguments, _ context: CommandContext, summary: String) throws {
        if let run = arguments.value("--run") {
            try RunFile.write(lines, to: run)
            context.errors.line("\(summary); wrote \(run).")
        } else {
            context.output.write(bytes: lines)
        }
    }
}

/// `papers show`: one paper's record.
enum ShowCommand: Command {
    static let name = "show"
    static let takesArguments = true
    static let usage = "ID [--json] [--index DIR]"
    static let abstract = "Show a paper of the index by its id."
    static let discussion = """
        EXAMPLES:
          papers show 2106.09685
          papers show t-abadb8f7e365cd99 --json
        """
    static let options: [OptionSpec] = [
        .flag("--json", help: "Print the record as JSON."),
        .option("--index", value: "DIR", help: "Where the index lives."),
    ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        guard arguments.positionals.count == 1 else { throw UsageError("give one paper id") }
        let id = arguments.positionals[0]
        let index = try IndexAccess.open(arguments, context)
        guard let document = try index.documentNumber(forID: id) else { throw SearchError.unknownPaper(id: id) }
        let paper = try index.paper(at: document)
        if arguments.has("--json") {
            var writer = JSONWriter()
            paper.writeRecord(into: &writer)
            context.output.write(bytes: writer.bytes)
            context.output.line()
            return .success
        }
        context.output.line(paper.title)
        context.output.line("id: \(paper.id)")
        if !paper.authors.isEmpty { context.output.line("authors: \(paper.authors.joined(separator: ", "))") }
        if let year = paper.year { context.output.line("year: \(year)" + (paper.date.map { " (\($0))" } ?? "")) }
        if let venue = paper.venue { context.output.line("venue: \(venue)") }
        if !paper.categories.isEmpty { context.output.line("categories: \(paper.categories.joined(separator: " "))") }
        context.output.line("sources: \(paper.sources.map(\.description).joined(separator: ", "))")
        context.output.line()
        context.output.line(paper.abstract)
        return .success
    }
}

/// `papers eval`: relevance of the ranking against judgments.
enum EvalCommand: Command {
    static let name = "eval"
    static let usage = "--queries Q.jsonl --qrels QRELS.tsv [-k N] [--syntax] [--json] [--index DIR]"
    static let abstract = "Measure relevance (nDCG@10, Recall@100, MAP, MRR@10) against judgments."
    static let discussion = """
        Searches every query of --queries (plain words unless --syntax) and compares the rankings with the
        judgments of --qrels (query, document, grade; grade > 0 is relevant; TREC's four columns and a BEIR
        header line are read too). Only judged queries count. If none of the judged papers is in the index,
        the figures mean nothing: eval says so and exits with 1.

        EXAMPLES:
          papers eval --queries scifact/queries.jsonl --qrels scifact/qrels-test.tsv --index scifact-index
          papers eval --queries q.jsonl --qrels qrels.tsv -k 100 --json     # after: papers index corpus.jsonl
        """
    static let options: [OptionSpec] = [
        .option("--queries", value: "FILE", help: "Queries, one JSON object a line with id and text."),
        .option("--qrels", value: "FILE", help: "Relevance judgments: query, document, grade."),
        .option("--limit", "-k", value: "N", help: "Results per query (default 1000)."),
        .flag("--syntax", help: "Read each line's \"query\" (else its \"text\") in the query language."),
        .flag("--json", help: "Print the metrics as JSON."),
        .option("--index", value: "DIR", help: "Where the index lives."),
    ] + IndexAccess.parameterOptions

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        guard let queriesPath = arguments.value("--queries"), let qrelsPath = arguments.value("--qrels") else {
            throw UsageError("--queries and --qrels are both needed")
        }
        let limit = try arguments.integer("--limit", default: 1000, range: 1...100_000)
        let judgments = try RelevanceJudgments(path: qrelsPath)
        let judged = Set(judgments.judgedQueries)
        let queries = try QueryRecord.read(path: queriesPath).filter { judged.contains($0.id) }
        let index = try IndexAccess.open(arguments, context)
        let searcher = try IndexAccess.searcher(index, arguments)
        var rankings: [String: [String]] = [:]
        for query in queries {
            let options = SearchOptions(limit: limit, snippets: false, records: false)
            let results = try? (arguments.has("--syntax") ? searcher.search(query.syntaxText, options: options)
                                                          : searcher.search(QueryParser.plainWords(query.text), options: options))
            rankings[query.id] = results?.hits.map(\.id) ?? []
        }
        let summary = EvaluationSummary(rankings: rankings, judgments: judgments)
        // Judgments for another collection give zeros that look like a result: say so.
        var judgedPapers = Set<String>()
        for query in judged { for (paper, grade) in judgments.grades[query] ?? [:] where grade > 0 { judgedPapers.insert(paper) } }
        var present = 0
        for paper in judgedPapers where try index.documentNumber(forID: paper) != nil { present += 1 }
        var exitCode = ExitCode.success
        if judged.isEmpty || queries.isEmpty {
            context.warn("no query of \(queriesPath) has a relevant paper in \(qrelsPath): nothing was measured")
            exitCode = .failure
        } else if present == 0 {
            context.warn("none of the \(judgedPapers.count) relevant papers of \(qrelsPath) is in the index at \(index.path): "
                + "the figures below mean nothing (was the index built from the collection the judgments are for?)")
            exitCode = .failure
        } else if present < judgedPapers.count {
            context.warn("\(judgedPapers.count - present) of the \(judgedPapers.count) relevant papers are not in the index; they count as not found")
        }
        if arguments.has("--json") {
            var writer = JSONWriter()
            writer.write(.object(JSONObject([
                ("queries", .integer(summary.queries)), ("ndcg@10", .double(summary.ndcgAt10)),
                ("recall@100", .double(summary.recallAt100)), ("map", .double(summary.meanAveragePrecision)),
                ("mrr@10", .double(summary.mrrAt10)), ("k1", .double(searcher.parameters.k1)), ("b", .double(searcher.parameters.b)),
                ("titleWeight", .double(searcher.parameters.titleWeight)),
            ])))
            context.output.write(bytes: writer.bytes)
            context.output.line()
            return exitCode
        }
        context.output.line("\(summary.queries) judged queries; BM25 \(searcher.parameters)")
        context.output.line("nDCG@10     \(Format.decimal(summary.ndcgAt10, places: 4))")
        context.output.line("Recall@100  \(Format.decimal(summary.recallAt100, places: 4))")
        context.output.line("MAP         \(Format.decimal(summary.meanAveragePrecision, places: 4))")
        context.output.line("MRR@10      \(Format.decimal(summary.mrrAt10, places: 4))")
        return exitCode
    }
}
