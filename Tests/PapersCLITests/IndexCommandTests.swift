import Foundation
import Testing
@testable import PaperSearch

@Suite("papers index, stats, verify")
struct IndexCommandTests {
    @Test func indexStatsAndVerifyTheBundledCorpus() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        let built = try PapersProcess.run(["index", "--index", index])
        #expect(built.status == 0, "\(built.errors)")
        #expect(built.output.contains("Indexed 130 papers into \(index) (commit-000002)"), "\(built.output)")
        #expect(built.output.contains("Read 132 records from 5 files, merged 2 duplicates, skipped 0."))

        let stats = try PapersProcess.run(["stats", "--json"], environment: ["PAPERS_INDEX": index])
        #expect(stats.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any])
        #expect(object["papers"] as? Int == 130)
        #expect((object["terms"] as? Int ?? 0) > 1000)
        #expect((object["files"] as? [String: Int])?.keys.sorted() == ["commit-000002.json"] + ["docs.psd", "manifest.json", "norms.psn", "positions.pos", "postings.psp", "terms.pst", "values.psv"].map { "seg-000001/" + $0 })
        #expect((object["segments"] as? [[String: Any]])?.count == 1)

        let human = try PapersProcess.run(["stats", "--index", index])
        #expect(human.output.contains("papers    130"))
        #expect(human.output.contains("bytes/posting"))

        // The breakdown's terms add up to the index's, and its bytes to at most the searchable files'.
        let detailed = try PapersProcess.run(["stats", "--breakdown", "--json", "--index", index])
        let details = try #require(try JSONSerialization.jsonObject(with: Data(detailed.output.utf8)) as? [String: Any])
        let breakdown = try #require(details["breakdown"] as? [String: Any])
        let terms = try #require(breakdown["terms"] as? [String: Int])
        #expect(terms.values.reduce(0, +) == object["terms"] as? Int)
        let structures = try #require(breakdown["structures"] as? [String: [String: Int]])
        let files = try #require(object["files"] as? [String: Int])
        let searchable = ["terms.pst", "postings.psp", "positions.pos"].reduce(0) { $0 + (files["seg-000001/" + $1] ?? 0) }
        #expect(structures.values.flatMap(\.values).reduce(0, +) + (breakdown["other"] as? Int ?? 0) == searchable)
        #expect((structures["positions"]?["text"] ?? 0) > 0 && structures["positions"]?["id"] == 0)
        let table = try PapersProcess.run(["stats", "--breakdown", "--index", index])
        #expect(table.output.contains("searchable bytes") && table.output.contains("dictionary statistics"), "\(table.output)")

        // A path where only options go is a usage error, not a check of the default index.
        let stray = try PapersProcess.run(["verify", index])
        #expect(stray.status == 64 && stray.errors.contains("'papers verify' takes only options; '\(index)' is not one"), "\(stray.errors)")

        let verify = try PapersProcess.run(["verify", "--index", index])
        #expect(verify.status == 0)
        #expect(verify.output.hasPrefix("OK: \(index) (commit-000002): 1 segment, 8 files"), "\(verify.output)")
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
        let file = try IndexFiles.segment(index) + "/positions.pos"
        var data = try Data(contentsOf: URL(fileURLWithPath: file))
        data[data.count / 2] ^= 0xFF
        try SystemCalls.writeFile(file, Array(data))
        let result = try PapersProcess.run(["verify", "--index", index])
        #expect(result.status == 1)
        #expect(result.errors.contains("error: \(file): checksum mismatch"))
    }

    @Test func verifyChecksTheManifestOnDisk() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        _ = try PapersProcess.run(["index", "--index", index])
        let manifest = try IndexFiles.segment(index) + "/manifest.json"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: manifest)))
        bytes[40] ^= 0x01
        try SystemCalls.writeFile(manifest, bytes)
        let result = try PapersProcess.run(["verify", "--index", index])
        #expect(result.status == 1)
        #expect(result.errors.contains("manifest.json"), "\(result.errors)")
    }

    @Test func aBadCorpusPathChangesNothing() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        _ = try PapersProcess.run(["index", "--index", index])
        // Other paths replace the index only with --replace; without, papers index says so and stops.
        let refused = try PapersProcess.run(["index", "/no/such/corpus", "--index", index])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("holds 130 papers from Corpus; indexing /no/such/corpus instead would replace them with 0 papers"),
                "\(refused.errors)")
        let result = try PapersProcess.run(["index", "/no/such/corpus", "--replace", "--index", index])
        #expect(result.status == 1)
        #expect(result.errors.contains("no papers could be read"))
        #expect(try PapersProcess.run(["verify", "--index", index]).output.hasPrefix("OK: \(index) (commit-000002)"))
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

    /// A build that dies (SIGKILL) or fails at any point of its commit leaves the previous index complete and
    /// searchable; the next build leaves nothing of it behind. The points are set through PAPERSEARCH_FAULT,
    /// so the test does not depend on timing.
    @Test(arguments: ["adding", "files-written", "generation-renamed", "published"])
    func aKilledOrFailedRebuildLeavesTheOldIndexIntact(point: String) throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        #expect(try PapersProcess.run(["index", "--index", index]).status == 0)
        let corpus = PapersProcess.fixtures + "/scifact/corpus.jsonl.gz"
        for action in ["kill", "fail"] {
            let result = try PapersProcess.run(["index", corpus, "--replace", "--index", index],
                                               environment: ["PAPERSEARCH_FAULT": "\(action):\(point)"])
            if action == "kill" {
                #expect(result.status == 9, "killed at \(point): \(result.status) \(result.errors)")
            } else if point == "published" {
                // Past publication a failure no longer matters: the new index is live.
                #expect(result.status == 1 || result.status == 0)
            } else {
                #expect(result.status == 1, "failed at \(point)")
                #expect(result.errors.contains("injected fault at \(point)"), "\(result.errors)")
            }
            let verify = try PapersProcess.run(["verify", "--index", index])
            #expect(verify.status == 0, "after \(action) at \(point): \(verify.errors)")
            #expect(verify.output.contains(point == "published" ? "501 papers" : "130 papers"), "\(verify.output)")
            if action == "fail" && point != "published" {
                // A failed build cleans up at once.
                #expect(try Self.entries(index) == Self.cleanEntries(index), "after a failure at \(point)")
            }
        }
        let rebuilt = try PapersProcess.run(["index", "--replace", "--index", index])
        #expect(rebuilt.status == 0)
        #expect(try Self.entries(index) == Self.cleanEntries(index))
    }

    static func entries(_ index: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: index).sorted()
    }

    static func cleanEntries(_ index: String) throws -> [String] { try IndexFiles.cleanEntries(index) }
}

/// `papers index` writes only into folders that are its own, and deletes only what it wrote.
@Suite("Index folders")
struct IndexFolderTests {
    @Test func aFolderWithOtherFilesIsRefusedAndKeptAsItWas() throws {
        let directory = TemporaryDirectory()
        let folder = directory.path + "/d"
        try FileManager.default.createDirectory(atPath: folder + "/tmp-photos", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/gen-000001", withIntermediateDirectories: true)
        try SystemCalls.writeFile(folder + "/tmp-photos/a.jpg", Array("x".utf8))
        try SystemCalls.writeFile(folder + "/CURRENT.tmp", Array("y".utf8))
        let result = try PapersProcess.run(["index", "--index", folder])
        #expect(result.status == 1)
        #expect(result.errors.contains("\(folder) is not a PaperSearch index: it holds other files"), "\(result.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["CURRENT.tmp", "gen-000001", "tmp-photos"])
        #expect(FileManager.default.fileExists(atPath: folder + "/tmp-photos/a.jpg"))

        // The same through a symbolic link to the folder.
        let link = directory.path + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder)
        #expect(try PapersProcess.run(["index", "--index", link]).status == 1)
        #expect(FileManager.default.fileExists(atPath: folder + "/tmp-photos/a.jpg"))

        // A file where the folder should be.
        let file = directory.write("plain-file", "text")
        let onFile = try PapersProcess.run(["index", "--index", file])
        #expect(onFile.status == 1)
        #expect(onFile.errors.contains("it is a file, not a folder"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "text")
    }

    @Test func anEmptyOrMissingFolderBecomesAnIndex() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/empty", withIntermediateDirectories: true)
        for folder in [directory.path + "/empty", directory.path + "/new/nested"] {
            let result = try PapersProcess.run(["index", "--index", folder])
            #expect(result.status == 0, "\(result.errors)")
            #expect(FileManager.default.fileExists(atPath: folder + "/PAPERSEARCH-INDEX"))
        }
    }

    /// Files put into an index's own folders by someone else survive every rebuild.
    @Test func filesThatAreNotOursSurviveRebuilds() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        #expect(try PapersProcess.run(["index", "--index", index]).status == 0)
        let segment = try IndexFiles.segment(index)
        try SystemCalls.writeFile(segment + "/notes.txt", Array("notes".utf8))
        try FileManager.default.createDirectory(atPath: index + "/tmp-3-1/keep", withIntermediateDirectories: true)
        #expect(try PapersProcess.run(["index", "--replace", "--index", index]).status == 0)
        #expect(try PapersProcess.run(["index", "--replace", "--index", index]).status == 0)
        #expect(try String(contentsOfFile: segment + "/notes.txt", encoding: .utf8) == "notes")
        #expect(try FileManager.default.contentsOfDirectory(atPath: segment) == ["notes.txt"])
        #expect(FileManager.default.fileExists(atPath: index + "/tmp-3-1/keep"))
    }

    @Test func nothingReadableLeavesNoFolderBehind() throws {
        let directory = TemporaryDirectory()
        let folder = directory.path + "/idx"
        let result = try PapersProcess.run(["index", directory.path + "/missing.jsonl", "--index", folder])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: folder), "\(result.errors)")
    }

    @Test func numbersDoNotRunOut() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        #expect(try PapersProcess.run(["index", "--index", index]).status == 0)
        // Make the live segment an older PaperSearch's generation with the last six-digit number, as a
        // long-lived index would reach it: it still reads, and numbers go on past it.
        try FileManager.default.moveItem(atPath: try IndexFiles.segment(index), toPath: index + "/gen-999999")
        try FileManager.default.removeItem(atPath: index + "/commit-000002.json")
        try SystemCalls.writeFile(index + "/CURRENT", Array("gen-999999\n".utf8))
        #expect(try PapersProcess.run(["search", "binary", "--index", index]).status == 0)
        for expected in ["commit-1000001", "commit-1000003"] {
            let built = try PapersProcess.run(["index", "--replace", "--index", index])
            #expect(built.status == 0, "\(built.errors)")
            #expect(built.output.contains(expected), "\(built.output)")
            #expect(try PapersProcess.run(["search", "binary", "--index", index]).status == 0)
        }
    }

    /// An index an older PaperSearch wrote is rebuilt from the paths its commit recorded, read from wherever
    /// papers runs (relative paths against the folder they were given in), not from Corpus; so is --replace.
    @Test func anUnreadableIndexIsRebuiltFromItsRecordedPaths() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/papers", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: PapersProcess.fixtures + "/scifact/corpus.jsonl.gz", toPath: directory.path + "/papers/scifact.jsonl.gz")
        let index = directory.path + "/idx"
        let built = try PapersProcess.run(["index", "papers", "--index", index], in: directory.path)
        #expect(built.status == 0, "\(built.errors)")
        let papers = try SearchIndex.open(at: index).documentCount
        #expect(papers == 501)  // not the 130 of Corpus

        let manifest = try IndexFiles.segment(index) + "/manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try SystemCalls.writeFile(manifest, Array(text.replacingOccurrences(of: "\"formatVersion\":\(IndexFormat.currentVersion)", with: "\"formatVersion\":2").utf8))
        let rebuilt = try PapersProcess.run(["index", "--index", index])
        #expect(rebuilt.status == 0, "\(rebuilt.errors)")
        #expect(rebuilt.errors.contains("cannot be read (") && rebuilt.errors.contains("; rebuilding it from \(directory.path)/papers\n"), "\(rebuilt.errors)")
        #expect(try SearchIndex.open(at: index).documentCount == papers)

        let replaced = try PapersProcess.run(["index", "--replace", "--index", index])
        #expect(replaced.status == 0, "\(replaced.errors)")
        #expect(try SearchIndex.open(at: index).documentCount == papers)
        #expect(IndexSync.recordedRoots(at: index) == [directory.path + "/papers"])
    }

    @Test func aDamagedCurrentIsRepairedByARebuild() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        #expect(try PapersProcess.run(["index", "--index", index]).status == 0)
        try SystemCalls.writeFile(index + "/CURRENT", Array("garbage".utf8))
        let search = try PapersProcess.run(["search", "binary", "--index", index])
        #expect(search.status == 1)
        #expect(search.errors.contains("CURRENT: damaged"))
        #expect(try PapersProcess.run(["index", "--index", index]).status == 0)
        #expect(try PapersProcess.run(["search", "binary", "--index", index]).status == 0)
        #expect(try IndexCommandTests.entries(index) == IndexCommandTests.cleanEntries(index))
    }
}
