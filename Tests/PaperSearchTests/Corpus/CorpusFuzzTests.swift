import Foundation
import Testing
@testable import PaperSearch

/// Mutated corpus files — JSON Lines, gzip and profile pages with bytes flipped, inserted, deleted or cut —
/// always end with papers or named problems: every problem names its file and a reason, nothing crashes or
/// hangs, and no paper comes out without a title or an abstract or with an id a run file could not hold.
@Suite("Corpus fuzzing")
struct CorpusFuzzTests {
    static func mutate(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var result = bytes
        for _ in 0..<(1 + Int(random.next() % 8)) where !result.isEmpty {
            let at = Int(random.next() % UInt64(result.count))
            switch random.next() % 6 {
            case 0: result[at] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
            case 1: result[at] = UInt8(truncatingIfNeeded: random.next())
            case 2: result.insert(contentsOf: [0x7B, 0x22, 0x0A, 0x00, 0xFF, 0x5B].shuffled(using: &random).prefix(3), at: at)
            case 3: result.removeSubrange(at..<min(result.count, at + 1 + Int(random.next() % 64)))
            case 4: result = Array(result.prefix(at))
            default: result.insert(contentsOf: result[at..<min(result.count, at + 200)], at: at)
            }
        }
        return result
    }

    func readAndCheck(_ path: String) throws {
        let (papers, report) = try CorpusReader(paths: [path]).readAll()
        for paper in papers {
            #expect(!paper.title.isEmpty || !paper.abstract.isEmpty)
            #expect(PaperRecord.idProblem(paper.id) == nil)
            if let year = paper.year { #expect(Paper.yearRange.contains(year)) }
        }
        for problem in report.problems {
            #expect(problem.file == path && !problem.detail.isEmpty, "\(problem)")
        }
        #expect(!papers.isEmpty || report.totalProblems > 0, "neither papers nor a problem")
    }

    @Test func mutatedJSONLinesGzipAndProfilePages() throws {
        let scratch = ScratchDirectory()
        let jsonLines = Array(try fixtureBytes("arxiv-daily-9000.jsonl.gz").prefix(60_000))
        let gzip = Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("gzip-dynamic.txt.gz"))))
        let page = Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.corpus + "/001_4f492b071c9acb0c.txt")))
        let snapshot = Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("arxiv-snapshot-sample.json"))))
        var random = SplitMix64(seed: 31)
        for round in 0..<240 {
            let (name, source): (String, [UInt8]) = switch round % 4 {
            case 0: ("lines.jsonl", jsonLines)
            case 1: ("compressed.jsonl.gz", gzip)
            case 2: ("page.txt", page)
            default: ("snapshot.json", snapshot)
            }
            let path = scratch.write("\(round)-\(name)", bytes: Self.mutate(source, &random))
            try readAndCheck(path)
        }
    }
}
