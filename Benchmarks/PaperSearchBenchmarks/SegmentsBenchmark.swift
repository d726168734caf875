import Foundation
import PaperSearch
import PaperSearchEvaluation

/// `segments INDEX OUT [--segments N] [--runs N] [--rounds N] [--per-type N] [--keep]`: query latency of unmerged
/// segments against one. The papers of INDEX are rewritten into N segments at OUT (merging off), then the
/// `papers bench` mix runs on both in alternating rounds; per query type the median of the rounds' p50 and
/// p99, and how many top 10s are the same in ids and scores. OUT is removed afterwards unless `--keep`.
func segmentsBenchmark() throws {
    guard arguments.count >= 3 else { usage() }
    let merged = try SearchIndex.open(at: arguments[1])
    let out = arguments[2]
    let segmentCount = option("--segments", default: 10)
    // The same papers in the same order, committed in equal parts with merging off, so document numbers,
    // statistics and therefore every score and tie order equal the merged index's.
    try? FileManager.default.removeItem(atPath: out)
    var writerOptions = IndexWriter.Options()
    writerOptions.mergePolicy = .never
    let clock = ContinuousClock()
    let perSegment = (merged.documentCount + segmentCount - 1) / segmentCount
    let building = seconds(try clock.measure {
        var document = 0
        while document < merged.documentCount {
            let writer = try IndexWriter(directory: out, options: writerOptions)
            for number in document..<min(merged.documentCount, document + perSegment) { try writer.add(try merged.paper(at: number)) }
            _ = try writer.commit()
            document += perSegment
        }
    })
    let segmented = try SearchIndex.open(at: out)
    let queries = try QueryMix.draw(from: merged, seed: 42, perType: option("--per-type", default: 100))
    // Every top 10 compared: ids and scores bit for bit.
    let mergedSearcher = try Searcher(index: merged), segmentedSearcher = try Searcher(index: segmented)
    var identical = 0
    func top(_ searcher: Searcher, _ query: LatencyBenchmark.Query) throws -> [String] {
        let options = SearchOptions(limit: 10, snippets: false, records: false)
        let hits: [Hit]
        switch query.form {
        case .plain: hits = try searcher.search(QueryParser.plainWords(query.text), options: options).hits
        case .syntax: hits = try searcher.search(query.text, options: options).hits
        case .similar: hits = try searcher.similar(to: [query.text], options: SimilarOptions(limit: 10, snippets: false)).hits
        }
        return hits.map { "\($0.id) \($0.score.bitPattern)" }
    }
    for query in queries where try top(mergedSearcher, query) == top(segmentedSearcher, query) { identical += 1 }
    // Rounds alternate between the two so the machine's drift falls on both alike; per type, the median
    // of the rounds' percentiles.
    var reports: [[LatencyBenchmark.Report]] = [[], []]
    for _ in 0..<option("--rounds", default: 3) {
        for (slot, searcher) in [mergedSearcher, segmentedSearcher].enumerated() {
            reports[slot].append(LatencyBenchmark.run(searcher: searcher, queries: queries, runs: option("--runs", default: 3),
                                                      threads: 1, limit: 10))
        }
    }
    func medianOf(_ slot: Int, _ type: String, _ value: (LatencyBenchmark.Row) -> Double) -> Double {
        median(reports[slot].compactMap { report in report.rows.first { $0.type == type }.map(value) })
    }
    var rows: [(String, JSONValue)] = []
    for type in reports[0][0].rows.map(\.type) {
        let p50 = (medianOf(0, type, \.p50), medianOf(1, type, \.p50)), p99 = (medianOf(0, type, \.p99), medianOf(1, type, \.p99))
        rows.append((type, .object(JSONObject([
            ("merged_p50_us", .double(p50.0)), ("segments_p50_us", .double(p50.1)), ("p50_ratio", .double(p50.1 / max(p50.0, 1e-9))),
            ("merged_p99_us", .double(p99.0)), ("segments_p99_us", .double(p99.1)), ("p99_ratio", .double(p99.1 / max(p99.0, 1e-9))),
        ]))))
    }
    emit([("benchmark", .string("segments")), ("index", .string(arguments[1])), ("papers", .integer(merged.documentCount)),
          ("segments", .integer(segmented.statisticsSummary.segments.count)), ("build_seconds", .double(building)), ("queries", .integer(queries.count)),
          ("identical_top_10", .integer(identical)), ("rounds", .integer(reports[0].count)), ("runs", .integer(option("--runs", default: 3))),
          ("types", .object(JSONObject(rows)))])
    if !arguments.contains("--keep") { try? FileManager.default.removeItem(atPath: out) }
}
