import Foundation
import PaperSearch
import PaperSearchEvaluation

/// Benchmarks of PaperSearch, run in release builds: `swift run -c release PaperSearchBenchmarks <name> [...]`.
/// Each prints one JSON object with the settings and the measured medians.

func usage() -> Never {
    print("""
        USAGE: PaperSearchBenchmarks <benchmark> [options]

        BENCHMARKS:
          corpus PATH [--runs N]                 read a corpus as indexing does (parse, normalise, merge duplicates): papers/s, MB/s
          analyzer [PATH] [--runs N] [--limit N] analyzer throughput on titles + abstracts: MB/s, tokens/s
          stemmer [PATH] [--runs N] [--limit N]  stemmer alone on the corpus's words: words/s
          index [PATH]                           indexing from memory: add and commit times, papers/s
          records [PATH] [--runs N] [--limit N]  stored-record compression: ratio, MB/s each way
          query INDEX QUERIES [--runs N] [--threads N] [-k N]   query latency per type (p50, p95, p99, max, qps)
          tune INDEX QUERIES QRELS               grid search of BM25 parameters on a training split
          similar-eval INDEX QUERIES QRELS [--from N] [--to N] [--terms N] [--max-df-percent N]
                                                 "similar" quality: BM25 with the whole text, Lucene MoreLikeThis, ours
          similar INDEX [--papers N] [--terms N] [--retrieval N] [--candidates N] [--agreement N]
                                                 "similar" latency for random papers; agreement with exact scoring
          hits INDEX QUERIES [--runs N] [-k N]   what a page of hits costs beyond ids and scores: the mean µs a query of
                                                 whole records, and of records with snippets (one thread)
          micro INDEX [--runs N]                 hot parts: block decode integers/s, term lookups/s, top-k heap offers/s
          querylog INDEX OUT [--per-type N]      a plain-word query log drawn from an index (for compare)
          synth OUT [--papers N] [--seed N] [--first N] [--from PATH]
                                                 a deterministic synthetic corpus learned from PATH (ids from --first)
          segments INDEX OUT [--segments N] [--runs N] [--rounds N] [--per-type N] [--keep]
                                                 the papers of INDEX rewritten into N unmerged segments at OUT, then
                                                 the `papers bench` mix on both, rounds alternating: p50 and p99 per
                                                 type, and whether every top 10 is the same (ids and scores)
          facets INDEX [--runs N]                query latency with and without facets (year, category, venue, author):
                                                 the word matching closest to 10% of the papers, and the papers bench mix
          typos INDEX [--papers N] [--words N]   the dictionary walk of a misspelt word (p50, p99 of each word's median
                                                 over --rounds N, 3; terms read), and
                                                 known-item queries (three title words) with one or two typos in one:
                                                 MRR@10 against the same queries without them; "did you mean"
                                                 precision@1 for one-edit misspellings of title words
          acronyms INDEX [--most N]              queries of an acronym alone: how often papers that only spell out its
                                                 long form reach the top 20 (with and without expansion; over all
                                                 learned short forms and the N most defined), how many of the top 10
                                                 hold the acronym or its long form, p50 each way
          authors INDEX [--papers N]             known-item queries (first author's surname + two title words): MRR@10
                                                 with authors searched (the default weight) and without
          load INDEX QUERIES [--seconds S] [--rebuild CORPUS]
                                                 `papers serve` under load: the log replayed over 1, 8 and 64 keep-alive
                                                 connections (throughput, p50, p99, failures); with --rebuild, a rebuild
                                                 of the index publishes during the 8-connection run
          datasets [DIR]                         whole-dataset checks that swift test leaves out (it reads samples in
                                                 Tests/Fixtures): every stemmer vocabulary, SciFact, all of arxiv-daily

        PATH defaults to ../shared/datasets/arxiv-daily/corpus.jsonl.gz (run from the repository root).
        """)
    exit(64)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let benchmark = arguments.first else { usage() }
let defaultCorpus = "../shared/datasets/arxiv-daily/corpus.jsonl.gz"

func option(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let number = Int(arguments[index + 1])
    else { return value }
    return number
}

func stringOption(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// The first positional argument after the benchmark name.
var pathArgument: String? {
    var index = 1
    while index < arguments.count {
        if arguments[index].hasPrefix("--") { index += 2; continue }
        return arguments[index]
    }
    return nil
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Runs `body` once untimed, then `runs` times timed; returns the median seconds.
func measure(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<runs { times.append(seconds(try clock.measure(body))) }
    return median(times)
}

func loadTexts(_ path: String, limit: Int) throws -> [String] {
    var texts: [String] = []
    _ = try CorpusReader(paths: [path]).readEach(restart: { texts.removeAll() }) { paper in
        if texts.count < limit { texts.append(paper.title + "\n" + paper.abstract) }
    }
    return texts
}

func emit(_ fields: [(String, JSONValue)]) {
    print(JSONWriter.string(.object(JSONObject(fields))))
}

/// Counts terms without keeping them.
struct CountingSink: TermSink {
    init() {}
    var terms = 0
    var checksum = 0
    mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
        terms += 1
        checksum &+= term.count &+ position
    }
}

let machine = ProcessInfo.processInfo.processorCount
switch benchmark {
case "facets":
    guard arguments.count >= 2 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    let searcher = try Searcher(index: index)
    let runs = option("--runs", default: 5)
    // The word whose papers come closest to a tenth of the index (a common word: ~100k matches at 1M).
    let target = index.documentCount / 10
    var common = (word: "", frequency: Int.max)
    for word in try HotPaths.termSample(index, longest: 2000, sample: 0).longest {
        let frequency = try index.documentFrequency(ofWord: word)
        if abs(frequency - target) < abs(common.frequency - target) { common = (String(decoding: word, as: UTF8.self), frequency) }
    }
    var rows: [(String, JSONValue)] = [("benchmark", .string("facets")), ("index", .string(arguments[1])),
                                       ("papers", .integer(index.documentCount)), ("runs", .integer(runs)),
                                       ("word", .string(common.word)), ("word_matches", .integer(common.frequency))]
    let mix = try QueryMix.draw(from: index, seed: 42)
    for (name, queries) in [("word", Array(repeating: LatencyBenchmark.Query(text: common.word, type: "word", form: .syntax), count: 20)),
                            ("mix", mix.map { LatencyBenchmark.Query(text: $0.text, type: "mix", form: $0.form) })] {
        let plain = LatencyBenchmark.run(searcher: searcher, queries: queries, runs: runs, threads: 1, limit: 10)
        let faceted = LatencyBenchmark.run(searcher: searcher, queries: queries, runs: runs, threads: 1, limit: 10,
                                           facets: FacetField.allCases)
        guard let without = plain.rows.last, let with = faceted.rows.last else { continue }
        rows += [("\(name)_plain_p50_us", .double(without.p50)), ("\(name)_plain_p95_us", .double(without.p95)),
                 ("\(name)_facets_p50_us", .double(with.p50)), ("\(name)_facets_p95_us", .double(with.p95)),
                 ("\(name)_p95_ratio", .double(without.p95 > 0 ? with.p95 / without.p95 : 0))]
    }
    emit(rows)

case "typos":
    try typosBenchmark()
case "acronyms":
    try acronymsBenchmark()

case "authors":
    guard arguments.count >= 2 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    let count = option("--papers", default: 600)
    var random = SplitMix64(seed: 7)
    var queries: [(text: String, document: Int)] = []
    let stop = Set(StopWords.lucene.words + ["via", "using", "based", "towards", "toward", "from", "through"])
    var attempts = 0
    while queries.count < count && attempts < count * 20 {
        attempts += 1
        let document = Int(random.next() % UInt64(max(1, index.documentCount)))
        let paper = try index.paper(at: document)
        guard let surname = paper.authors.first?.split(separator: " ").last else { continue }
        let words = paper.title.split(separator: " ").map { $0.lowercased().filter(\.isLetter) }
            .filter { $0.count > 3 && !stop.contains($0) }
        guard words.count >= 2 else { continue }
        let first = Int(random.next() % UInt64(words.count))
        var second = Int(random.next() % UInt64(words.count - 1))
        if second >= first { second += 1 }
        queries.append(("\(surname) \(words[first]) \(words[second])", document))
    }
    var rows: [(String, JSONValue)] = [("benchmark", .string("authors")), ("index", .string(arguments[1])),
                                       ("queries", .integer(queries.count))]
    for (name, weight) in [("without_authors", 0.0), ("with_authors", BM25Parameters.defaultAuthorWeight)] {
        var parameters = BM25Parameters.default
        parameters.authorWeight = weight
        let searcher = try Searcher(index: index, parameters: parameters)
        var reciprocal = 0.0
        for query in queries {
            let hits = try searcher.search(QueryParser.plainWords(query.text), options: SearchOptions(limit: 10, snippets: false, records: false)).hits
            if let rank = hits.firstIndex(where: { $0.document == query.document }) { reciprocal += 1 / Double(rank + 1) }
        }
        rows += [("\(name)_mrr10", .double(reciprocal / Double(max(1, queries.count)))), ("\(name)_weight", .double(weight))]
    }
    emit(rows)

case "load":
    guard arguments.count >= 3 else { usage() }
    let indexPath = arguments[1]
    let seconds = Double(option("--seconds", default: 10))
    let papers = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("papers").path
    let queries = try QueryRecord.read(path: arguments[2])
    func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
    let server = Process()
    server.executableURL = URL(fileURLWithPath: papers)
    server.arguments = ["serve", "--index", indexPath, "--port", "0"]
    let pipe = Pipe()
    server.standardOutput = pipe
    try server.run()
    let line = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
    guard let range = line.range(of: #"127\.0\.0\.1:\d+"#, options: .regularExpression),
          let port = Int(line[range].dropFirst("127.0.0.1:".count)) else {
        server.terminate()
        print("error: papers serve did not start: \(line)")
        exit(1)
    }
    var rows: [(String, JSONValue)] = [("benchmark", .string("load")), ("index", .string(indexPath)),
                                       ("queries", .integer(queries.count)), ("seconds_per_run", .double(seconds))]
    // Whole hits (records and snippets), hits without snippets, and ids alone (the search as `papers bench`
    // times it); then whole hits again while a rebuild publishes a new index.
    let corpus = arguments.firstIndex(of: "--rebuild").map { arguments[$0 + 1] }
    let runs: [(String, String, [Int])] = [("", "", [1, 8, 64]), ("no_snippets_", "&snippets=false", [1, 8, 64]),
                                           ("ids_", "&snippets=false&records=false", [1, 8, 64])]
        + (corpus == nil ? [] : [("during_rebuild_", "", [8])])
    for (label, suffix, connectionCounts) in runs {
        let paths = queries.map { "/api/search?k=10\(suffix)&q=" + encoded($0.text) }
        for connections in connectionCounts {
            var rebuild: Process?
            if label == "during_rebuild_", let corpus {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: papers)
                process.arguments = ["index", corpus, "--index", indexPath]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                rebuild = process
            }
            let result = LoadGenerator.run(port: port, paths: paths, connections: connections, seconds: seconds)
            rebuild?.waitUntilExit()
            func percentile(_ p: Double) -> Double {
                result.latencies.isEmpty ? 0 : result.latencies[min(result.latencies.count - 1, Int(p / 100 * Double(result.latencies.count)))]
            }
            let key = "\(label)c\(connections)"
            rows += [("\(key)_qps", .double(Double(result.requests) / result.seconds)), ("\(key)_p50_us", .double(percentile(50))),
                     ("\(key)_p99_us", .double(percentile(99))), ("\(key)_failures", .integer(result.failures))]
            if let rebuild { rows.append(("\(key)_rebuild_status", .integer(Int(rebuild.terminationStatus)))) }
        }
    }
    server.interrupt()
    server.waitUntilExit()
    emit(rows)

case "datasets":
    // The checks of whole datasets in ../shared/datasets; `swift test` checks the samples in Tests/Fixtures.
    let directory = arguments.dropFirst().first ?? "../shared/datasets"
    var failures: [String] = []
    for (words, stems, stem) in [("english/voc.txt", "english/output.txt", EnglishStemmer.stem as (String) -> String),
                                 ("porter/voc.txt", "porter/output.txt", PorterStemmer.stem as (String) -> String)] {
        let input = try String(contentsOfFile: directory + "/stemmer/" + words, encoding: .utf8).split(separator: "\n")
        let output = try String(contentsOfFile: directory + "/stemmer/" + stems, encoding: .utf8).split(separator: "\n")
        let wrong = zip(input, output).filter { stem(String($0.0)) != String($0.1) }.count
        if wrong > 0 || input.count != output.count { failures.append("\(words): \(wrong) of \(input.count) words stem differently") }
    }
    let scifact = try CorpusReader(paths: [directory + "/scifact/corpus.jsonl"]).readAll()
    if scifact.papers.count != 5_183 || scifact.report.totalProblems > 0 { failures.append("scifact: \(scifact.papers.count) papers, \(scifact.report.totalProblems) problems") }
    var arxiv = 0
    let arxivReport = try CorpusReader(paths: [directory + "/arxiv-daily/corpus.jsonl.gz"]).readEach(restart: { arxiv = 0 }) { paper in
        if !paper.title.isEmpty && !paper.abstract.isEmpty && !paper.authors.isEmpty { arxiv += 1 }
    }
    if arxiv != 74_728 || arxivReport.totalProblems > 0 { failures.append("arxiv-daily: \(arxiv) complete papers, \(arxivReport.totalProblems) problems") }
    emit([("benchmark", .string("datasets")), ("directory", .string(directory)), ("failures", .array(failures.map { .string($0) }))])
    exit(failures.isEmpty ? 0 : 1)

case "corpus":
    guard let path = pathArgument else { usage() }
    let runs = option("--runs", default: 3)
    var papers = 0
    var bytes = 0
    let time = try measure(runs: runs) {
        papers = 0
        bytes = 0
        _ = try CorpusReader(paths: [path]).readEach(restart: { papers = 0; bytes = 0 }) { paper in
            papers += 1
            bytes += paper.title.utf8.count + paper.abstract.utf8.count
        }
    }
    emit([("benchmark", .string("corpus")), ("path", .string(path)), ("runs", .integer(runs)), ("papers", .integer(papers)),
          ("text_bytes", .integer(bytes)), ("median_seconds", .double(time)),
          ("papers_per_second", .integer(Int(Double(papers) / time))), ("text_mb_per_second", .double(Double(bytes) / time / 1e6))])

case "analyzer":
    let path = pathArgument ?? defaultCorpus
    let runs = option("--runs", default: 5)
    let texts = try loadTexts(path, limit: option("--limit", default: 20_000))
    let bytes = texts.reduce(0) { $0 + $1.utf8.count }
    let analyzer = Analyzer.english
    var scratch = AnalyzerScratch()
    var sink = CountingSink()
    let time = measure(runs: runs) {
        sink = CountingSink()
        for text in texts { analyzer.analyze(text, scratch: &scratch, into: &sink) }
    }
    emit([("benchmark", .string("analyzer")), ("analyzer", .string(analyzer.name)), ("path", .string(path)),
          ("texts", .integer(texts.count)), ("megabytes", .double(Double(bytes) / 1e6)), ("runs", .integer(runs)),
          ("threads", .integer(1)), ("median_seconds", .double(time)),
          ("mb_per_second", .double(Double(bytes) / time / 1e6)),
          ("terms_per_second", .integer(Int(Double(sink.terms) / time))), ("cores_on_machine", .integer(machine))])

case "stemmer":
    let path = pathArgument ?? defaultCorpus
    let runs = option("--runs", default: 5)
    let texts = try loadTexts(path, limit: option("--limit", default: 20_000))
    // The corpus's words as the tokenizer folds them, before stemming, with their real frequencies.
    var words: [[UInt8]] = []
    let plain = Analyzer(stemmer: .none, stopWords: .none)
    for text in texts {
        for token in plain.tokens(text) where token.kind == .word { words.append(Array(token.folded.utf8)) }
    }
    for stemmer in [Analyzer.Stemmer.english, .porter] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(128)
        var checksum = 0
        let time = measure(runs: runs) {
            for word in words {
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: word)
                if stemmer == .english { EnglishStemmer.stem(&buffer) } else { PorterStemmer.stem(&buffer) }
                checksum &+= buffer.count
            }
        }
        emit([("benchmark", .string("stemmer")), ("stemmer", .string(stemmer.rawValue)), ("path", .string(path)),
              ("words", .integer(words.count)), ("runs", .integer(runs)), ("median_seconds", .double(time)),
              ("words_per_second", .integer(Int(Double(words.count) / time))), ("checksum", .integer(checksum))])
    }

case "records":
    // Stored-record compression: the records as the index stores them, the dictionary as the writer makes it.
    let path = pathArgument ?? defaultCorpus
    let runs = option("--runs", default: 3)
    let limit = option("--limit", default: 20_000)
    var records: [[UInt8]] = []
    _ = try CorpusReader(paths: [path]).readEach(restart: { records.removeAll() }) { paper in
        guard records.count < limit else { return }
        var writer = JSONWriter()
        paper.writeRecord(into: &writer)
        records.append(writer.bytes)
    }
    let dictionary = Array(records.joined().prefix(RecordCompression.dictionaryLength))
    let codes = RecordCompression.Codes.trained(on: dictionary)
    let raw = records.reduce(0) { $0 + $1.count }
    var compressed: [[UInt8]] = []
    let compressTime = measure(runs: runs) {
        var compressor = RecordCompression.Compressor(dictionary: dictionary, codes: codes)
        compressed = records.map { record in
            var output: [UInt8] = []
            compressor.compress(record, into: &output)
            return output
        }
    }
    let stored = compressed.reduce(0) { $0 + $1.count }
    var checksum = 0
    let decompressor = RecordCompression.Decompressor(codes: codes)
    let decompressTime = try measure(runs: runs) {
        for record in compressed { checksum &+= try decompressor.decompress(record.span, dictionary: dictionary.span).count }
    }
    emit([("benchmark", .string("records")), ("path", .string(path)), ("records", .integer(records.count)),
          ("raw_bytes", .integer(raw)), ("compressed_bytes", .integer(stored)), ("ratio", .double(Double(raw) / Double(stored))),
          ("compress_mb_per_second", .double(Double(raw) / compressTime / 1e6)),
          ("decompress_mb_per_second", .double(Double(raw) / decompressTime / 1e6)),
          ("decompress_us_per_record", .double(decompressTime / Double(records.count) * 1e6))])

case "query":
    // Query latency over a log: query INDEX QUERIES [--runs N] [--threads N] [-k N]; JSON per query type.
    guard arguments.count >= 3 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    let log = try QueryRecord.read(path: arguments[2]).map {
        LatencyBenchmark.Query(text: $0.text, type: $0.type ?? "query", form: .plain)
    }
    let report = LatencyBenchmark.run(searcher: try Searcher(index: index), queries: log, runs: option("--runs", default: 3),
                                      threads: option("--threads", default: 1), limit: option("-k", default: 10))
    for row in report.rows {
        emit([("benchmark", .string("query")), ("index", .string(arguments[1])), ("papers", .integer(index.documentCount)),
              ("type", .string(row.type)), ("count", .integer(row.count)), ("threads", .integer(report.threads)),
              ("p50_us", .double(row.p50)), ("p95_us", .double(row.p95)), ("p99_us", .double(row.p99)),
              ("max_us", .double(row.max)), ("qps", .double(row.rate))])
    }

case "similar":
    // Latency of "similar" for random papers of an index: similar INDEX [--papers N] [--seed N] [--terms N]
    // [--max-df-percent N] [--runs N] [-k N]; one thread.
    guard arguments.count >= 2 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    var random = SplitMix64(seed: UInt64(option("--seed", default: 7)))
    var sources: [LatencyBenchmark.Query] = []
    for _ in 0..<option("--papers", default: 300) {
        sources.append(.init(text: try index.paper(at: random.below(index.documentCount)).id, type: "similar", form: .similar))
    }
    var options = SimilarOptions()
    options.maximumTerms = option("--terms", default: options.maximumTerms)
    options.retrievalTerms = option("--retrieval", default: options.retrievalTerms)
    options.minimumCandidates = option("--candidates", default: options.minimumCandidates)
    options.maximumDocumentShare = Double(option("--max-df-percent", default: Int(options.maximumDocumentShare * 100))) / 100
    let report = LatencyBenchmark.run(searcher: try Searcher(index: index), queries: sources, runs: option("--runs", default: 1),
                                      threads: 1, limit: option("-k", default: 10), similar: options)
    // How often the two-phase top 10 equals the exact top 10 of all the query terms.
    var overlap = 0.0, identical = 0
    let searcher = try Searcher(index: index)
    var exactOptions = options
    exactOptions.retrievalTerms = 0
    exactOptions.snippets = false
    var fastOptions = options
    fastOptions.snippets = false
    for source in sources.prefix(option("--agreement", default: 0)) {
        let fast = try searcher.similar(to: [source.text], options: fastOptions).hits.map(\.id)
        let exact = try searcher.similar(to: [source.text], options: exactOptions).hits.map(\.id)
        overlap += Double(Set(fast).intersection(exact).count) / Double(max(1, exact.count))
        if fast == exact { identical += 1 }
    }
    let compared = min(sources.count, option("--agreement", default: 0))
    for row in report.rows {
        emit([("benchmark", .string("similar")), ("agreement_sources", .integer(compared)),
              ("mean_overlap_at_10", .double(compared > 0 ? overlap / Double(compared) : 0)),
              ("identical_top_10", .integer(identical)), ("index", .string(arguments[1])), ("papers", .integer(index.documentCount)),
              ("terms", .integer(options.maximumTerms)), ("retrieval_terms", .integer(options.retrievalTerms)),
              ("candidates", .integer(options.minimumCandidates)), ("max_df_share", .double(options.maximumDocumentShare)),
              ("count", .integer(row.count)), ("p50_us", .double(row.p50)), ("p95_us", .double(row.p95)),
              ("p99_us", .double(row.p99)), ("max_us", .double(row.max))])
    }

case "similar-eval":
    // "Papers like this one" against judgments: similar-eval INDEX QUERIES QRELS [--from N] [--to N].
    // Each query's text (and title) is the source paper; three methods are compared.
    guard arguments.count >= 4 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    let judgments = try RelevanceJudgments(path: arguments[3])
    let judged = Set(judgments.judgedQueries)
    let from = option("--from", default: 0), to = option("--to", default: Int.max)
    let queries = try QueryRecord.read(path: arguments[2]).filter {
        judged.contains($0.id) && (Int($0.id).map { $0 >= from && $0 <= to } ?? true)
    }
    let searcher = try Searcher(index: index)
    var methods: [(String, [String: [String]])] = [("bm25-whole-text", [:]), ("lucene-morelikethis-defaults", [:]), ("papersearch-similar", [:])]
    for query in queries {
        let title = query.title ?? ""
        methods[0].1[query.id] = try searcher.search(QueryParser.plainWords(title + " " + query.text),
                                                     options: SearchOptions(limit: 100, snippets: false, records: false)).hits.map(\.id)
        for (slot, method) in [(1, SimilarOptions.Method.luceneDefaults), (2, .paperSearch)] {
            var options = SimilarOptions(method: method, limit: 100, snippets: false)
            options.maximumTerms = option("--terms", default: options.maximumTerms)
            options.retrievalTerms = option("--retrieval", default: options.retrievalTerms)
            options.minimumCandidates = option("--candidates", default: options.minimumCandidates)
            options.maximumDocumentShare = Double(option("--max-df-percent", default: 50)) / 100
            methods[slot].1[query.id] = try searcher.similar(text: query.text, title: title, options: options).hits.map(\.id)
        }
    }
    for (name, rankings) in methods {
        let summary = EvaluationSummary(rankings: rankings, judgments: RelevanceJudgments(grades: judgments.grades.filter { grade in queries.contains { $0.id == grade.key } }))
        emit([("benchmark", .string("similar-eval")), ("method", .string(name)), ("queries", .integer(summary.queries)),
              ("ndcg@10", .double(summary.ndcgAt10)), ("recall@100", .double(summary.recallAt100))])
    }

case "hits":
    // The cost of a page of hits: hits INDEX QUERIES [--runs N] [-k N]; the same queries with ids only, whole records,
    // and records with snippets, interleaved run by run so that drift hits each alike; medians of the runs' means.
    guard arguments.count >= 3 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    let searcher = try Searcher(index: index)
    let queries = try QueryRecord.read(path: arguments[2]).map(\.text)
    let runs = option("--runs", default: 5)
    let limit = option("-k", default: 10)
    let kinds: [(name: String, options: SearchOptions)] = [
        ("ids", SearchOptions(limit: limit, snippets: false, records: false)),
        ("records", SearchOptions(limit: limit, snippets: false, records: true)),
        ("snippets", SearchOptions(limit: limit, snippets: true, records: true)),
    ]
    var means = [[Double]](repeating: [], count: kinds.count)
    var hits = 0
    for run in 0...runs {
        for (kind, entry) in kinds.enumerated() {
            let clock = ContinuousClock()
            let elapsed = try clock.measure {
                for query in queries { hits &+= try searcher.search(QueryParser.plainWords(query), options: entry.options).hits.count }
            }
            if run > 0 { means[kind].append(seconds(elapsed) / Double(queries.count) * 1e6) }  // run 0 warms up
        }
    }
    let ids = median(means[0]), records = median(means[1]), snippets = median(means[2])
    emit([("benchmark", .string("hits")), ("index", .string(arguments[1])), ("queries", .integer(queries.count)),
          ("k", .integer(limit)), ("runs", .integer(runs)), ("ids_us", .double(ids)),
          ("records_add_us", .double(records - ids)), ("snippets_add_us", .double(snippets - records)),
          ("hits", .integer(hits))])

case "micro":
    // Micro-benchmarks of the hot parts on an index: micro INDEX [--runs N].
    guard arguments.count >= 2 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    let runs = option("--runs", default: 5)
    let terms = try HotPaths.termSample(index, longest: 20, sample: 20_000)
    var checksum = 0
    let decode = try measure(runs: runs) { checksum &+= try HotPaths.decodePostings(index, terms: terms.longest) }
    // Each posting is three integers: the document and its two frequencies.
    emit([("benchmark", .string("micro")), ("part", .string("block-decode")), ("index", .string(arguments[1])),
          ("postings", .integer(terms.postingsOfLongest)), ("median_seconds", .double(decode)),
          ("postings_per_second", .integer(Int(Double(terms.postingsOfLongest) / decode))),
          ("integers_per_second", .integer(Int(3 * Double(terms.postingsOfLongest) / decode))), ("checksum", .integer(checksum))])
    let lookups = try measure(runs: runs) { checksum &+= try HotPaths.lookUpTerms(index, terms: terms.sample) }
    emit([("benchmark", .string("micro")), ("part", .string("term-lookup")), ("index", .string(arguments[1])),
          ("lookups", .integer(2 * terms.sample.count)), ("median_seconds", .double(lookups)),
          ("lookups_per_second", .integer(Int(2 * Double(terms.sample.count) / lookups)))])
    let offers = 10_000_000
    let heap = measure(runs: runs) { checksum &+= HotPaths.topK(count: offers, capacity: 10) }
    emit([("benchmark", .string("micro")), ("part", .string("top-k-heap")), ("offers", .integer(offers)), ("k", .integer(10)),
          ("median_seconds", .double(heap)), ("offers_per_second", .integer(Int(Double(offers) / heap))), ("checksum", .integer(checksum))])

case "querylog":
    // A query log of plain-word queries drawn from an index (the same mix as `papers bench`, less the query
    // language): querylog INDEX OUT [--per-type N] [--seed N]. Every engine can run it.
    guard arguments.count >= 3 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    let plainTypes: Set = ["1-word-high", "1-word-mid", "1-word-low", "2-word-or", "3-word-or", "5-10-words"]
    let mix = try QueryMix.draw(from: index, seed: UInt64(option("--seed", default: 42)), perType: option("--per-type", default: 100))
    var lines = ""
    var count = 0
    for query in mix where plainTypes.contains(query.type) {
        // Words only: punctuation means different things to different query parsers.
        let words = query.text.split { !($0.isLetter || $0.isNumber) }.joined(separator: " ")
        guard !words.isEmpty else { continue }
        count += 1
        lines += JSONWriter.string(.object(JSONObject([("id", .string(String(count))), ("text", .string(words)),
                                                       ("type", .string(query.type))]))) + "\n"
    }
    try lines.write(toFile: arguments[2], atomically: true, encoding: .utf8)
    emit([("benchmark", .string("querylog")), ("index", .string(arguments[1])), ("out", .string(arguments[2])), ("queries", .integer(count))])

case "synth":
    // A synthetic corpus: synth OUT [--papers N] [--seed N] [--from PATH] (JSON Lines; see SyntheticCorpus).
    guard let out = pathArgument else { usage() }
    let source = stringOption("--from") ?? defaultCorpus
    let papers = option("--papers", default: 1_000_000), seed = option("--seed", default: 1), first = option("--first", default: 0)
    let clock = ContinuousClock()
    var model: SyntheticCorpus?
    let learning = seconds(try clock.measure { model = try SyntheticCorpus(learningFrom: [source]) })
    guard let model else { usage() }
    var bytes = 0
    let writing = seconds(try clock.measure { bytes = try model.write(count: papers, seed: UInt64(seed), firstNumber: first, to: out) })
    emit([("benchmark", .string("synth")), ("out", .string(out)), ("from", .string(source)),
          ("learned_papers", .integer(model.learnedPapers)), ("vocabulary", .integer(model.vocabulary)),
          ("papers", .integer(papers)), ("seed", .integer(seed)), ("first", .integer(first)), ("bytes", .integer(bytes)),
          ("learn_seconds", .double(learning)), ("write_seconds", .double(writing))])

case "segments":
    try segmentsBenchmark()

case "tune":
    // Grid search of BM25 parameters on a *training* split: tune INDEX QUERIES QRELS.
    guard arguments.count >= 4 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    let queries = try QueryRecord.read(path: arguments[2])
    let judgments = try RelevanceJudgments(path: arguments[3])
    let judged = Set(judgments.judgedQueries)
    var rows: [(BM25Parameters, EvaluationSummary)] = []
    for k1 in [0.6, 0.9, 1.2, 1.5, 1.8] {
        for b in [0.3, 0.5, 0.65, 0.75, 0.9] {
            for titleWeight in [1.0, 1.5, 2.0, 3.0] {
                let parameters = BM25Parameters(k1: k1, b: b, titleWeight: titleWeight)
                let searcher = try Searcher(index: index, parameters: parameters)
                var rankings: [String: [String]] = [:]
                for query in queries where judged.contains(query.id) {
                    let results = try searcher.search(QueryParser.plainWords(query.text),
                                                      options: SearchOptions(limit: 100, snippets: false, records: false))
                    rankings[query.id] = results.hits.map(\.id)
                }
                rows.append((parameters, EvaluationSummary(rankings: rankings, judgments: judgments)))
            }
        }
    }
    rows.sort { $0.1.ndcgAt10 > $1.1.ndcgAt10 }
    for (parameters, summary) in rows {
        emit([("k1", .double(parameters.k1)), ("b", .double(parameters.b)), ("titleWeight", .double(parameters.titleWeight)),
              ("ndcg@10", .double(summary.ndcgAt10)), ("recall@100", .double(summary.recallAt100))])
    }

case "index":
    // Indexing throughput with the corpus already in memory: adding (analysis + inversion + stored fields)
    // and committing (merge + encode + write) timed apart.
    let path = pathArgument ?? defaultCorpus
    let (papers, _) = try CorpusReader(paths: [path]).readAll()
    let directory = "/tmp/papersearch-bench-index-\(ProcessInfo.processInfo.processIdentifier)"
    let clock = ContinuousClock()
    var addSeconds = 0.0, commitSeconds = 0.0
    var summary: IndexSummary?
    addSeconds = seconds(try clock.measure {
        let writer = try IndexWriter(directory: directory)
        for paper in papers { try writer.add(paper) }
        commitSeconds = seconds(try clock.measure { summary = try writer.commit() })
    }) - commitSeconds
    try? FileManager.default.removeItem(atPath: directory)
    let total = addSeconds + commitSeconds
    emit([("benchmark", .string("index")), ("path", .string(path)), ("papers", .integer(papers.count)),
          ("add_seconds", .double(addSeconds)), ("commit_seconds", .double(commitSeconds)),
          ("papers_per_second", .integer(Int(Double(papers.count) / total))),
          ("bytes", .integer(summary?.totalBytes ?? 0))])

default:
    usage()
}
