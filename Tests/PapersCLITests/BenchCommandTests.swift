import Foundation
import Testing

/// The benchmark commands run on a tiny corpus and print well-formed reports (their numbers are not checked:
/// timing belongs to benchmarks, not tests).
@Suite("papers bench and the benchmarks executable")
struct BenchCommandTests {
    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func benchReportsEveryQueryTypeOnTheDrawnMix() throws {
        let (directory, index) = try SearchCommandTests.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let result = try PapersProcess.run(["bench", "--index", index, "--runs", "1", "--threads", "2", "--json"])
        #expect(result.status == 0, "\(result.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(report["papers"] as? Int == 130)
        #expect(report["threads"] as? Int == 2)
        #expect(report["snippet_cost_us"] is Double)
        for key in ["single_thread", "all_threads"] {
            let rows = try #require(report[key] as? [String: [String: Any]])
            for type in ["1-word-high", "1-word-mid", "1-word-low", "2-word-or", "3-word-or", "and", "phrase", "5-10-words",
                         "field", "year", "similar", "all"] {
                let row = try #require(rows[type], "\(key) \(type)")
                for field in ["p50_us", "p95_us", "p99_us", "max_us", "qps"] { #expect(row[field] is Double, "\(type) \(field)") }
                let count = try #require(row["count"] as? Int)
                #expect(count > 0)
                let p50 = try #require(row["p50_us"] as? Double), p99 = try #require(row["p99_us"] as? Double)
                let max = try #require(row["max_us"] as? Double)
                #expect(p50 <= p99 && p99 <= max)
            }
        }
        // A query log with types, and a similar line; human output.
        let log = directory.write("log.jsonl", """
            {"id": "1", "text": "binary networks", "type": "short"}
            {"id": "2", "ids": ["t-abadb8f7e365cd99"]}

            """)
        let human = try PapersProcess.run(["bench", "--index", index, "--queries", log, "--runs", "1", "--threads", "1"])
        #expect(human.status == 0, "\(human.errors)")
        #expect(human.output.contains("short "))
        #expect(human.output.contains("similar "))
        #expect(human.output.contains("1 thread: latency in µs"))

        // The peers harness's AND and phrase logs, read in the query language; a line that does not parse
        // is refused before anything is timed.
        let peers = directory.write("peers.jsonl", """
            {"id": "L1", "text": "binary networks", "type": "and-2", "op": "and", "query": "+binary +networks"}
            {"id": "L2", "text": "neural networks", "type": "phrase-2", "op": "phrase", "query": "\\"neural networks\\""}

            """)
        let syntax = try PapersProcess.run(["bench", "--index", index, "--queries", peers, "--syntax", "--runs", "1", "--threads", "1", "--json"])
        #expect(syntax.status == 0, "\(syntax.errors)")
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(syntax.output.utf8)) as? [String: Any])?["single_thread"] as? [String: Any])
        #expect(rows["and-2"] != nil && rows["phrase-2"] != nil)
        // As the peers search: words as written, and no matches counted before pruning.
        let asPeers = try PapersProcess.run(["bench", "--index", index, "--queries", peers, "--syntax", "--exact", "--count-limit", "0",
                                             "--runs", "1", "--threads", "1"])
        #expect(asPeers.status == 0 && asPeers.output.contains("phrase-2"), "\(asPeers.errors)")
        let negative = try PapersProcess.run(["bench", "--index", index, "--queries", peers, "--count-limit", "-1"])
        #expect(negative.status != 0)
        let broken = directory.write("broken.jsonl", """
            {"id": "L1", "text": "binary", "query": "\\"binary"}

            """)
        let refused = try PapersProcess.run(["bench", "--index", index, "--queries", broken, "--syntax", "--runs", "1"])
        #expect(refused.status != 0 && refused.errors.contains("unbalanced quote"), "\(refused.errors)")
    }

    @Test func benchmarksExecutableGeneratesADeterministicCorpusAndMeasuresIt() throws {
        let directory = TemporaryDirectory()
        let corpus = PapersProcess.repositoryRoot + "/Corpus"
        let first = directory.path + "/synth-a.jsonl", second = directory.path + "/synth-b.jsonl"
        for out in [first, second] {
            let made = try PapersProcess.run(["synth", out, "--papers", "300", "--seed", "9", "--from", corpus],
                                             executable: PapersProcess.benchmarks)
            #expect(made.status == 0, "\(made.errors)")
            let line = try #require(try Self.jsonLines(made.output).first)
            #expect(line["papers"] as? Int == 300)
            #expect(line["learned_papers"] as? Int == 130)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: second))))
        // The generated corpus reads cleanly and indexes.
        let index = directory.path + "/idx"
        let built = try PapersProcess.run(["index", first, "--index", index])
        #expect(built.status == 0, "\(built.errors)")
        #expect(built.output.contains("300 papers") || built.errors.contains("300 papers"), "\(built.output)")
        for arguments in [["micro", index, "--runs", "1"], ["similar", index, "--papers", "5", "--agreement", "5"]] {
            let run = try PapersProcess.run(arguments, executable: PapersProcess.benchmarks)
            #expect(run.status == 0, "\(arguments) \(run.errors)")
            let lines = try Self.jsonLines(run.output)
            #expect(!lines.isEmpty)
            #expect(lines.allSatisfy { $0["benchmark"] as? String == arguments[0] })
        }
    }
}
