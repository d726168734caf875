import PaperSearch
import Dispatch
import Synchronization

/// Query latency measurement, shared by `papers bench` and the benchmarks executable: an untimed warm-up
/// pass, then timed passes, each query timed from the search call to hits with ids and scores; per query
/// type, percentiles of the latencies and queries per second, on one thread and on several.
package enum LatencyBenchmark {
    package struct Query: Sendable {
        /// How the text is run.
        package enum Form: Sendable {
            /// Plain words, as batch search reads query files.
            case plain
            /// The query language.
            case syntax
            /// `similar` of the paper whose id is the text.
            case similar
        }
        package var text: String
        package var type: String
        package var form: Form
        package init(text: String, type: String, form: Form) {
            self.text = text
            self.type = type
            self.form = form
        }
    }

    package struct Row: Sendable {
        package var type: String
        package var count: Int
        package var p50: Double, p95: Double, p99: Double, max: Double, mean: Double
        /// Queries per second.
        package var rate: Double
    }

    package struct Report: Sendable {
        package var threads: Int
        package var runs: Int
        package var limit: Int
        package var rows: [Row]
    }

    /// Latency percentile (nearest rank) of sorted microseconds.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// Runs the queries `runs` times after one untimed pass. With `threads > 1` the passes are split across
    /// threads (each thread takes queries in turn) and rates count all of them. `exact`: words as written
    /// only — no corrections, acronym expansions or suggestions, the work the peer engines do. `countLimit`:
    /// see `SearchOptions.countLimit`.
    package static func run(
        searcher: Searcher, queries: [Query], runs: Int, threads: Int, limit: Int, snippets: Bool = false,
        facets: [FacetField] = [], similar: SimilarOptions = SimilarOptions(), exact: Bool = false,
        countLimit: Int = SearchOptions.defaultCountLimit
    ) -> Report {
        let options = {
            var options = SearchOptions(limit: limit, snippets: snippets, records: snippets)
            options.countLimit = countLimit
            options.facets = facets
            options.corrections = !exact
            options.acronyms = !exact
            return options
        }()
        let similarOptions = {
            var options = similar
            options.limit = limit
            options.snippets = snippets
            return options
        }()
        @Sendable func execute(_ query: Query) {
            let count: Int?
            switch query.form {
            case .plain: count = try? searcher.search(QueryParser.plainWords(query.text), options: options).hits.count
            case .syntax: count = try? searcher.search(query.text, options: options).hits.count
            case .similar: count = try? searcher.similar(to: [query.text], options: similarOptions).hits.count
            }
            blackHole(count ?? 0)
        }
        for query in queries { execute(query) }  // warm-up: page in the files, fill caches

        let timings = Mutex([[Double]](repeating: [], count: queries.count))
        let started = SystemCalls.monotonicSeconds()
        let work = queries.count * runs
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { thread in
            var item = thread
            var local: [(Int, Double)] = []
            while item < work {
                let index = item % queries.count
                let begin = SystemCalls.monotonicSeconds()
                execute(queries[index])
                local.append((index, (SystemCalls.monotonicSeconds() - begin) * 1e6))
                item += max(1, threads)
            }
            timings.withLock { all in for (index, time) in local { all[index].append(time) } }
        }
        let wall = SystemCalls.monotonicSeconds() - started
        let measured = timings.withLock { $0 }

        var types = Array(Set(queries.map(\.type))).sorted()
        if types.count > 1 { types.append("all") }
        var rows: [Row] = []
        for type in types {
            var times: [Double] = []
            for (index, query) in queries.enumerated() where type == "all" || query.type == type { times += measured[index] }
            times.sort()
            let mean = times.isEmpty ? 0 : times.reduce(0, +) / Double(times.count)
            // All queries: what the run achieved. One type: what a run of only that type would, from its mean.
            let rate = type == "all" || types.count == 1 ? (wall > 0 ? Double(times.count) / wall : 0)
                                                          : (mean > 0 ? Double(max(1, threads)) * 1e6 / mean : 0)
            rows.append(Row(type: type, count: times.count, p50: percentile(times, 50), p95: percentile(times, 95),
                            p99: percentile(times, 99), max: times.last ?? 0, mean: mean, rate: rate))
        }
        return Report(threads: threads, runs: runs, limit: limit, rows: rows)
    }

    /// Keeps a value alive so the optimizer cannot drop the work that made it.
    @inline(never)
    static func blackHole(_ value: Int) {
        sink.withLock { $0 &+= value }
    }
    private static let sink = Mutex(0)
}
