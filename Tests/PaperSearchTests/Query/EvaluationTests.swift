import Testing
@testable import PaperSearch
@testable import PaperSearchEvaluation

@Suite("Evaluation metrics")
struct EvaluationTests {
    // Judgments: d1 grade 2, d2 grade 1, d3 grade 0 (judged, not relevant), d4 grade 1 (never retrieved).
    let judgments = ["d1": 2, "d2": 1, "d3": 0, "d4": 1]
    let ranking = ["d3", "d1", "x", "d2"]

    @Test func ndcgByHand() {
        // DCG = 2/log2(3) + 1/log2(5); ideal = 2/log2(2) + 1/log2(3) + 1/log2(4).
        let dcg = 2 / 1.584962500721156 + 1 / 2.321928094887362
        let ideal = 2 / 1.0 + 1 / 1.584962500721156 + 1 / 2.0
        #expect(abs(Metrics.ndcg(ranking, judgments, at: 10) - dcg / ideal) < 1e-12)
        #expect(abs(Metrics.ndcg(ranking, judgments, at: 2) - (2 / 1.584962500721156) / (2 / 1.0 + 1 / 1.584962500721156)) < 1e-12)
        #expect(Metrics.ndcg([], judgments, at: 10) == 0)
    }

    @Test func recallApAndReciprocalRankByHand() {
        #expect(Metrics.recall(ranking, judgments, at: 100) == 2.0 / 3)
        #expect(Metrics.recall(ranking, judgments, at: 2) == 1.0 / 3)
        // Relevant at ranks 2 and 4: (1/2 + 2/4) / 3 relevant.
        #expect(abs(Metrics.averagePrecision(ranking, judgments) - (0.5 + 0.5) / 3) < 1e-12)
        #expect(Metrics.reciprocalRank(ranking, judgments, at: 10) == 0.5)
        #expect(Metrics.reciprocalRank(ranking, judgments, at: 1) == 0)
    }

    @Test func summaryCountsMissingQueriesAsZero() {
        let judgments = RelevanceJudgments(grades: ["q1": ["a": 1], "q2": ["b": 1], "q3": ["c": 0]])
        let summary = EvaluationSummary(rankings: ["q1": ["a"]], judgments: judgments)
        #expect(summary.queries == 2)  // q3 has no relevant document
        #expect(summary.ndcgAt10 == 0.5)
        #expect(summary.mrrAt10 == 0.5)
    }

    @Test func qrelsFormats() throws {
        let scratch = ScratchDirectory()
        let file = scratch.write("qrels.tsv", "1\t31715818\t1\n2 0 100 2\n\n")
        let judgments = try RelevanceJudgments(path: file)
        #expect(judgments.grades["1"]?["31715818"] == 1)
        #expect(judgments.grades["2"]?["100"] == 2)
        let bad = scratch.write("bad.tsv", "1 2\n")
        #expect(throws: EvaluationError.malformed(path: bad, line: 1, reason: "expected 'query document grade'")) { _ = try RelevanceJudgments(path: bad) }
    }
}
