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
        // Piped output is plain text: no markers, no escape sequences.
        #expect(!first.output.contains("**") && !first.output.contains("\u{1B}"))
        let second = try PapersProcess.run(["search", "binary neural networks"], in: directory.path)
        #expect(!second.errors.contains("building"))
        #expect(second.output == first.output)

        // An index written by an older PaperSearch is rebuilt, since it is only a cache of the bundled corpus.
        let manifest = try IndexFiles.segment(directory.path + "/.papers-index") + "/manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try SystemCalls.writeFile(manifest, Array(text.replacingOccurrences(of: "\"formatVersion\":\(IndexFormat.currentVersion)", with: "\"formatVersion\":2").utf8))
        let third = try PapersProcess.run(["search", "binary neural networks"], in: directory.path)
        #expect(third.status == 0, "\(third.errors)")
        #expect(third.errors.contains("was made by an older PaperSearch: rebuilding it from Corpus"))
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
            // QAT: the bundled papers define it as this long form, which finds it too.
            #expect(["quantiz", "awar", "train", "qat"].contains { word.contains($0) }, "\(word)")
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

    @Test func colorFollowsTheTerminalTheOptionAndNoColor() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let always = try PapersProcess.run(["search", "binary", "-k", "1", "--color", "always", "--index", index])
        #expect(always.output.contains("\u{1B}[1m"))
        let never = try PapersProcess.run(["search", "--color=never", "binary", "-k", "1", "--index", index], environment: ["NO_COLOR": ""])
        #expect(!never.output.contains("\u{1B}"))
        let bad = try PapersProcess.run(["search", "binary", "--color", "sometimes", "--index", index])
        #expect(bad.status == 64)
        #expect(bad.errors.contains("--color takes auto, always or never, not 'sometimes'"))
    }

    @Test func queriesStartingWithAMinusWorkOrSayHow() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let spaced = try PapersProcess.run(["search", "-classical quantum", "--index", index])
        #expect(spaced.status == 0, "\(spaced.errors)")
        let single = try PapersProcess.run(["search", "-classical", "--index", index])
        #expect(single.status == 64)
        #expect(single.errors.contains("put '--' before it: papers search -- '-classical'"), "\(single.errors)")
        let separated = try PapersProcess.run(["search", "--index", index, "--", "-classical"])
        #expect(separated.status == 0, "\(separated.errors)")
    }

    /// Outside a checkout, with no index and no Corpus folder, the error says where it looked and how to
    /// index one's own papers, and nothing is created.
    @Test func outsideACheckoutTheErrorSaysWhatToDoAndNothingIsLeft() throws {
        let directory = TemporaryDirectory()
        let result = try PapersProcess.run(["search", "quantum"], in: directory.path)
        #expect(result.status == 1)
        #expect(result.errors.contains("no index at .papers-index"), "\(result.errors)")
        #expect(result.errors.contains("papers index PATH"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        let index = try PapersProcess.run(["index"], in: directory.path)
        #expect(index.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// Query, judgment and text inputs are read once and bounded: a pipe works, /dev/zero is an error.
    @Test func inputsAreReadOnceAndBounded() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let piped = try PapersProcess.run(["search", "--queries", "/dev/stdin", "--index", index, "-k", "2"],
                                          input: "{\"id\": \"q\", \"text\": \"binary networks\"}\n")
        #expect(piped.status == 0, "\(piped.errors)")
        #expect(piped.output.split(separator: "\n").count == 2)
        for arguments in [["search", "--queries", "/dev/zero"], ["eval", "--queries", "/dev/zero", "--qrels", "/dev/zero"]] {
            let result = try PapersProcess.run(arguments + ["--index", index])
            #expect(result.status == 1, "\(arguments)")
            #expect(result.errors.contains("/dev/zero"), "\(result.errors)")
        }
        let longText = String(repeating: "word ", count: 300_000)
        let similar = try PapersProcess.run(["similar", "--text", "-", "--index", index], input: longText)
        #expect(similar.status == 1)
        #expect(similar.errors.contains("larger than 1 MiB"), "\(similar.errors)")
        // One malformed line of a batch (nesting too deep) is reported; the others are searched.
        let queries = directory.write("deep.jsonl", """
            {"id": "ok", "text": "binary"}
            {"id": "deep", "text": "\(String(repeating: "(", count: 10_000))x"}
            """)
        let batch = try PapersProcess.run(["search", "--queries", queries, "--syntax", "-k", "1", "--index", index])
        #expect(batch.status == 1)
        #expect(batch.errors.contains("query deep: parentheses nest deeper than 64 levels"), "\(batch.errors)")
        #expect(batch.output.hasPrefix("ok Q0 "))
        // A line with a "query" beside its plain "text" (the peers harness's AND logs): --syntax searches the
        // query (both words required), plain batch search the text (either word).
        let both = directory.write("and.jsonl", """
            {"id": "and", "text": "binary quantum", "query": "+binary +quantum"}
            """)
        let required = try PapersProcess.run(["search", "--queries", both, "--syntax", "-k", "100", "--index", index])
        let either = try PapersProcess.run(["search", "--queries", both, "-k", "100", "--index", index])
        #expect(required.status == 0 && either.status == 0)
        let requiredLines = required.output.split(separator: "\n").count, eitherLines = either.output.split(separator: "\n").count
        #expect(requiredLines < eitherLines, "\(requiredLines) against \(eitherLines)")
    }

    @Test func evalSaysWhenTheIndexHoldsNoneOfTheJudgedPapersAndReadsBEIRHeaders() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let queries = PapersProcess.fixtures + "/scifact/queries.jsonl"
        let qrels = directory.write("qrels.tsv", "query-id\tcorpus-id\tscore\n"
            + (try String(contentsOfFile: PapersProcess.fixtures + "/scifact/qrels-test.tsv", encoding: .utf8)))
        let wrong = try PapersProcess.run(["eval", "--queries", queries, "--qrels", qrels, "--index", index])
        #expect(wrong.status == 1)
        #expect(wrong.errors.contains("none of the 101 relevant papers"), "\(wrong.errors)")

        let scifact = directory.path + "/scifact-index"
        #expect(try PapersProcess.run(["index", PapersProcess.fixtures + "/scifact/corpus.jsonl.gz", "--index", scifact]).status == 0)
        let right = try PapersProcess.run(["eval", "--queries", queries, "--qrels", qrels, "--json", "--index", scifact])
        #expect(right.status == 0, "\(right.errors)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(right.output.utf8)) as? [String: Any])
        #expect(metrics["queries"] as? Int == 100)
        #expect((metrics["ndcg@10"] as? Double ?? 0) > 0.5)
    }

    @Test func versionAndAnExampleInEveryHelp() throws {
        let version = try PapersProcess.run(["--version"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("papers 0."))
        #expect(version.output.contains("index format \(IndexFormat.currentVersion)"))
        for command in ["corpus", "analyze", "index", "stats", "verify", "search", "similar", "show", "eval", "bench"] {
            let help = try PapersProcess.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.output.contains("EXAMPLES:\n  papers \(command)"), "\(command)")
        }
    }
}
