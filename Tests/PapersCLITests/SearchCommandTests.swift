import Foundation
import Testing
@testable import PaperSearch

@Suite("papers search, show, eval")
struct SearchCommandTests {
    /// An index of the bundled corpus in a temporary directory.
    static func bundledIndex() throws -> (TemporaryDirectory, String) {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        let built = try PapersProcess.run(["index", "--index", index])
        #expect(built.status == 0)
        return (directory, index)
    }

    @Test func searchBuildsTheDefaultIndexOnFirstUse() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/Corpus", withDestinationPath: PapersProcess.repositoryRoot + "/Corpus")
        let first = try PapersProcess.run(["search", "binary neural networks"], in: directory.path)
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.errors.contains("No index yet at .papers-index: building it from Corpus (once)..."))
        #expect(first.output.hasPrefix("1. "))
        #expect(first.output.contains("**Binary**") || first.output.contains("**binary**"))
        let second = try PapersProcess.run(["search", "binary neural networks"], in: directory.path)
        #expect(!second.errors.contains("building"))
        #expect(second.output == first.output)

        // An index written by an older PaperSearch is rebuilt, since it is only a cache of the bundled corpus.
        let generation = try String(contentsOfFile: directory.path + "/.papers-index/CURRENT", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let manifest = directory.path + "/.papers-index/" + generation + "/manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try SystemCalls.writeFile(manifest, Array(text.replacingOccurrences(of: "\"formatVersion\":4", with: "\"formatVersion\":2").utf8))
        let third = try PapersProcess.run(["search", "binary neural networks"], in: directory.path)
        #expect(third.status == 0, "\(third.errors)")
        #expect(third.errors.contains("has an older format: rebuilding it from Corpus"))
        #expect(third.output == first.output)
    }

    @Test func jsonResultsCarryScoresSnippetsAndRanges() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let result = try PapersProcess.run(["search", "quantization aware training", "-k", "3", "--json", "--explain", "--index", index])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.count == 3)
        #expect(hits.map { $0["rank"] as? Int } == [1, 2, 3])
        let scores = hits.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >))
        let snippet = try #require(hits[0]["snippet"] as? [String: Any])
        let text = try #require(snippet["text"] as? String)
        let highlights = try #require(snippet["highlights"] as? [[Int]])
        let scalars = Array(text.unicodeScalars)
        for range in highlights {
            let word = String(String.UnicodeScalarView(scalars[range[0]..<range[1]])).lowercased()
            #expect(["quantiz", "awar", "train"].contains { word.contains($0) }, "\(word)")
        }
        let explanation = try #require(hits[0]["explanation"] as? [String: Any])
        let terms = try #require(explanation["terms"] as? [[String: Any]])
        let total = terms.compactMap { $0["score"] as? Double }.reduce(0, +)
        #expect(abs(total - scores[0]) < 1e-9)
    }

    @Test func pagingAndMalformedQueries() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let page = try PapersProcess.run(["search", "learning", "-k", "2", "--offset", "2", "--index", index])
        #expect(page.output.hasPrefix("3. "))
        #expect(page.output.contains("showing 3-4."))
        let bad = try PapersProcess.run(["search", "quantum \"error", "--index", index])
        #expect(bad.status == 64)
        #expect(bad.errors.contains("error: unbalanced quote: the phrase is never closed at position 8"))
        let plain = try PapersProcess.run(["search", "--plain", "quantum \"error", "--index", index])
        #expect(plain.status == 0)
        let stop = try PapersProcess.run(["search", "the of", "--index", index])
        #expect(stop.status == 0)
        #expect(stop.output.contains("No results: the query has no searchable words"))
    }

    @Test func batchSearchWritesATrecRunAndEvalScoresIt() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let queries = directory.write("queries.jsonl", """
            {"id": "q1", "text": "binary neural networks"}
            {"id": "q2", "text": "federated learning \\"heterogeneity\\" (clients)"}
            """)
        let run = directory.path + "/run.tsv"
        let result = try PapersProcess.run(["search", "--queries", queries, "--run", run, "-k", "5", "--index", index])
        #expect(result.status == 0, "\(result.errors)")
        let lines = try String(contentsOfFile: run, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10)
        let fields = lines[0].split(separator: " ")
        #expect(fields.count == 6 && fields[0] == "q1" && fields[1] == "Q0" && fields[3] == "1" && fields[5] == "papersearch")

        // Judge q1's first result relevant: nDCG@10, MRR@10 and MAP are then 1.
        let qrels = directory.write("qrels.tsv", "q1\t\(fields[2])\t1\n")
        let eval = try PapersProcess.run(["eval", "--queries", queries, "--qrels", qrels, "--json", "--index", index])
        #expect(eval.status == 0, "\(eval.errors)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any])
        #expect(metrics["queries"] as? Int == 1)
        #expect(metrics["ndcg@10"] as? Double == 1)
        #expect(metrics["mrr@10"] as? Double == 1)
        #expect(metrics["map"] as? Double == 1)
    }

    @Test func showPrintsARecordAndUnknownIDsFail() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let search = try PapersProcess.run(["search", "ReActNet", "-k", "1", "--json", "--index", index])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(search.output.utf8)) as? [String: Any])
        let id = try #require((object["hits"] as? [[String: Any]])?.first?["id"] as? String)
        let shown = try PapersProcess.run(["show", id, "--index", index])
        #expect(shown.status == 0)
        #expect(shown.output.hasPrefix("ReActNet: Towards Precise Binary Neural Network"))
        let missing = try PapersProcess.run(["show", "no-such-id", "--index", index])
        #expect(missing.status == 1)
        #expect(missing.errors.contains("no paper with id 'no-such-id' in the index"))
    }
}
