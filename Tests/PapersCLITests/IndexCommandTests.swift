import Foundation
import Testing

@Suite("papers index, stats, verify")
struct IndexCommandTests {
    @Test func indexStatsAndVerifyTheBundledCorpus() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        let built = try PapersProcess.run(["index", "--index", index])
        #expect(built.status == 0, "\(built.errors)")
        #expect(built.output.contains("Indexed 130 papers into \(index)/gen-000001"))
        #expect(built.output.contains("Read 132 records from 5 files, merged 2 duplicates, skipped 0."))

        let stats = try PapersProcess.run(["stats", "--json"], environment: ["PAPERS_INDEX": index])
        #expect(stats.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any])
        #expect(object["papers"] as? Int == 130)
        #expect((object["terms"] as? Int ?? 0) > 1000)
        #expect((object["files"] as? [String: Int])?.keys.sorted() == ["docs.psd", "norms.psn", "positions.pos", "postings.psp", "terms.pst"])

        let human = try PapersProcess.run(["stats", "--index", index])
        #expect(human.output.contains("papers    130"))
        #expect(human.output.contains("bytes/posting"))

        let verify = try PapersProcess.run(["verify", "--index", index])
        #expect(verify.status == 0)
        #expect(verify.output.hasPrefix("OK: \(index)/gen-000001"))
    }

    @Test func theDefaultIndexLivesInTheWorkingDirectory() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/Corpus", withDestinationPath: PapersProcess.repositoryRoot + "/Corpus")
        let built = try PapersProcess.run(["index"], in: directory.path)
        #expect(built.status == 0, "\(built.errors)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/.papers-index/CURRENT"))
    }

    @Test func verifyNamesADamagedFile() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        _ = try PapersProcess.run(["index", "--index", index])
        let file = index + "/gen-000001/positions.pos"
        var data = try Data(contentsOf: URL(fileURLWithPath: file))
        data[data.count / 2] ^= 0xFF
        try data.write(to: URL(fileURLWithPath: file))
        let result = try PapersProcess.run(["verify", "--index", index])
        #expect(result.status == 1)
        #expect(result.errors.contains("error: \(file): checksum mismatch"))
    }

    @Test func aBadCorpusPathChangesNothing() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        _ = try PapersProcess.run(["index", "--index", index])
        let result = try PapersProcess.run(["index", "/no/such/corpus", "--index", index])
        #expect(result.status == 1)
        #expect(result.errors.contains("no papers could be read"))
        #expect(try PapersProcess.run(["verify", "--index", index]).output.hasPrefix("OK: \(index)/gen-000001"))
    }

    @Test func missingIndexIsAClearError() throws {
        let result = try PapersProcess.run(["stats", "--index", "/no/such/index"])
        #expect(result.status == 1)
        #expect(result.errors.contains("no index at /no/such/index (build one with 'papers index')"))
    }

    @Test func badMemoryBudgetIsAUsageError() throws {
        let result = try PapersProcess.run(["index", "--memory", "3"])
        #expect(result.status == 64)
        #expect(result.errors.contains("--memory takes a whole number from 16 to 1048576, not '3'"))
    }

    /// A build killed with SIGKILL part-way leaves the previous index complete; the next build cleans up.
    @Test func aKilledRebuildLeavesTheOldIndexIntact() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        _ = try PapersProcess.run(["index", "--index", index])
        let corpus = PapersProcess.repositoryRoot + "/../shared/datasets/arxiv-daily/corpus.jsonl.gz"
        for delay in [0.3, 1.5] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PapersProcess.executable)
            process.arguments = ["index", corpus, "--index", index]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let verify = try PapersProcess.run(["verify", "--index", index])
            #expect(verify.status == 0, "after a kill at \(delay) s: \(verify.errors)")
            #expect(verify.output.contains("130 papers"))
        }
        let rebuilt = try PapersProcess.run(["index", "--index", index])
        #expect(rebuilt.status == 0)
        let entries = try FileManager.default.contentsOfDirectory(atPath: index).sorted()
        #expect(entries.count == 3 && entries.contains("CURRENT") && entries.contains("LOCK"), "\(entries)")
    }
}
