import Foundation
import Testing

@Suite("papers similar")
struct SimilarCommandTests {
    /// The id of the bundled corpus's RBGNet paper (a stable id derived from its title).
    static let source = "t-abadb8f7e365cd99"

    @Test func similarToOnePaperAsJSONWithExplanations() throws {
        let (directory, index) = try SearchCommandTests.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let result = try PapersProcess.run(["similar", Self.source, "-k", "5", "--json", "--explain", "--index", index])
        #expect(result.status == 0, "\(result.errors)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["sources"] as? [String] == [Self.source])
        let terms = try #require(object["terms"] as? [[String: Any]])
        #expect(terms.first?["weight"] as? Double == 1)
        #expect(terms.contains { $0["term"] as? String == "3d" })
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.count == 5)
        #expect(!hits.contains { $0["id"] as? String == Self.source })
        // Each explanation adds up to its hit's score, over chosen terms only.
        let chosen = Set(terms.compactMap { $0["term"] as? String })
        for hit in hits {
            let explanation = try #require(hit["explanation"] as? [String: Any])
            let parts = try #require(explanation["terms"] as? [[String: Any]])
            #expect(abs(parts.compactMap { $0["score"] as? Double }.reduce(0, +) - (hit["score"] as? Double ?? 0)) < 1e-9)
            #expect(parts.allSatisfy { chosen.contains($0["term"] as? String ?? "") })
        }
    }

    @Test func humanOutputTextFromStandardInputAndErrors() throws {
        let (directory, index) = try SearchCommandTests.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let human = try PapersProcess.run(["similar", Self.source, "-k", "2", "--index", index])
        #expect(human.status == 0)
        #expect(human.output.hasPrefix("1. "))
        #expect(human.output.contains("Left out 1 source paper"))
        let draft = try PapersProcess.run(["similar", "--text", "-", "-k", "3", "--index", index],
                                          input: "We detect objects in 3D point clouds by grouping points along rays.")
        #expect(draft.status == 0, "\(draft.errors)")
        #expect(draft.output.contains("RBGNet"))
        let unknown = try PapersProcess.run(["similar", Self.source, "no-such-paper", "--index", index])
        #expect(unknown.status != 0)
        #expect(unknown.errors.contains("no paper with id 'no-such-paper'"))
        let both = try PapersProcess.run(["similar", Self.source, "--text", "graphs", "--index", index])
        #expect(both.status == 64)
        let nothing = try PapersProcess.run(["similar", "--index", index])
        #expect(nothing.status == 64)
    }

    @Test func batchWritesATRECRun() throws {
        let (directory, index) = try SearchCommandTests.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let queries = directory.write("sources.jsonl", """
            {"id": "one", "ids": ["\(Self.source)"]}
            {"id": "draft", "text": "binary neural networks with quantized weights"}

            """)
        let run = directory.path + "/run.tsv"
        let result = try PapersProcess.run(["similar", "--queries", queries, "--run", run, "-k", "4", "--index", index])
        #expect(result.status == 0, "\(result.errors)")
        let lines = try String(contentsOfFile: run, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines.count == 8)
        #expect(lines.allSatisfy { $0.count == 6 && $0[1] == "Q0" && $0[5] == "papersearch-similar" })
        #expect(lines.filter { $0[0] == "one" }.map { $0[3] } == ["1", "2", "3", "4"])
        #expect(!lines.contains { $0[0] == "one" && $0[2] == Self.source[...] })
        let bad = directory.write("bad.jsonl", "{\"id\": \"x\", \"ids\": [\"missing\"]}\n")
        let failed = try PapersProcess.run(["similar", "--queries", bad, "--index", index])
        #expect(failed.status == 1)
        #expect(failed.errors.contains("query x: no paper with id 'missing'"))
    }
}
