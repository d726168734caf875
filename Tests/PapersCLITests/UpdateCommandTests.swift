import Foundation
import Testing
@testable import PaperSearch

/// `papers index` as a sync, `papers add`, `remove`, `optimize`, and what a crash at any point of them leaves.
@Suite("papers add, remove, optimize and syncs")
struct UpdateCommandTests {
    static func record(_ id: String, _ title: String, _ abstract: String) -> String {
        "{\"id\":\"\(id)\",\"title\":\"\(title)\",\"abstract\":\"\(abstract)\"}\n"
    }

    /// Every hit of a query with its score, from `papers search --json`.
    static func scores(_ query: String, index: String, in directory: String) throws -> [String: Double] {
        let result = try PapersProcess.run(["search", query, "--json", "-k", "1000", "--index", index], in: directory)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.errors)")
        var scores: [String: Double] = [:]
        for hit in object["hits"] as? [[String: Any]] ?? [] {
            if let id = hit["id"] as? String, let score = hit["score"] as? Double { scores[id] = score }
        }
        return scores
    }

    @Test func indexSyncsItsFilesAndAnswersAsAFreshBuild() throws {
        let directory = TemporaryDirectory()
        let lines = try PapersProcess.fixtureText("scifact/corpus.jsonl.gz").split(separator: "\n").map { String($0) + "\n" }
        try FileManager.default.createDirectory(atPath: directory.path + "/corpus", withIntermediateDirectories: true)
        directory.write("corpus/a.jsonl", lines[0..<150].joined())
        directory.write("corpus/b.jsonl", lines[150..<300].joined())
        directory.write("corpus/c.jsonl", lines[300..<400].joined())
        #expect(try PapersProcess.run(["index", "corpus", "--index", "idx"], in: directory.path).status == 0)
        let idle = try PapersProcess.run(["index", "--index", "idx"], in: directory.path)
        #expect(idle.output.contains("idx is up to date with its 3 corpus files."), "\(idle.output)")

        // b gains a paper, c loses its first line, a file appears; a is not touched.
        directory.write("corpus/b.jsonl", lines[150..<300].joined() + Self.record("fresh-1", "Cold fusion revisited", "Muon catalysed fusion in water."))
        directory.write("corpus/c.jsonl", lines[301..<400].joined())
        directory.write("corpus/d.jsonl", Self.record("fresh-2", "Muon lifetimes", "Cosmic ray muons decay."))
        let synced = try PapersProcess.run(["index", "--index", "idx"], in: directory.path)
        #expect(synced.status == 0, "\(synced.errors)")
        #expect(synced.output.contains("Synced idx with its 4 corpus files: 3 read (new or changed), 1 unchanged, 0 gone."), "\(synced.output)")
        // The same paths as recorded sync too.
        #expect(try PapersProcess.run(["index", "corpus", "--index", "idx"], in: directory.path).output.contains("up to date"))

        #expect(try PapersProcess.run(["index", "corpus", "--index", "fresh"], in: directory.path).status == 0)
        for query in ["muon", "cold fusion", "protein folding", "+cell +cancer", "\"stem cells\"", "gene* -mouse"] {
            let living = try Self.scores(query, index: "idx", in: directory.path)
            #expect(living == (try Self.scores(query, index: "fresh", in: directory.path)), "'\(query)'")
        }
        let stats = try PapersProcess.run(["stats", "--json", "--index", "idx"], in: directory.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any])
        #expect(object["papers"] as? Int == 401)
        #expect(object["sourceFiles"] as? Int == 4)
        #expect(try PapersProcess.run(["verify", "--index", "idx"], in: directory.path).status == 0)
    }

    @Test func addRemoveAndOptimize() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        #expect(try PapersProcess.run(["index", "--index", index]).status == 0)
        let new = directory.write("new.jsonl", Self.record("2601.00001", "Quasicrystal lattices", "Aperiodic order in quasicrystal lattices."))
        let added = try PapersProcess.run(["add", new, "--index", index])
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.output.contains("1 paper added, 0 updated, 0 removed"), "\(added.output)")
        #expect(added.output.contains("The index now holds 131 papers in 2 segments"), "\(added.output)")
        #expect(try PapersProcess.run(["search", "quasicrystal", "--index", index]).output.contains("2601.00001"))

        // The same id again, edited: an update.
        directory.write("new.jsonl", Self.record("2601.00001", "Quasicrystal lattices, revised", "Aperiodic order."))
        let updated = try PapersProcess.run(["add", new, "--index", index])
        #expect(updated.output.contains("0 papers added, 1 updated, 0 removed"), "\(updated.output)")

        // From standard input: added, not recorded.
        let piped = try PapersProcess.run(["add", "-", "--index", index], input: Self.record("piped", "Piped paper", "From a pipe."))
        #expect(piped.status == 0, "\(piped.errors)")
        #expect(try PapersProcess.run(["stats", "--index", index]).output.contains("papers    132"))

        // Removing an id that is not there changes nothing.
        let missing = try PapersProcess.run(["remove", "arXiv:2601.00001v3", "no-such-id", "--index", index])
        #expect(missing.status == 1)
        #expect(missing.errors.contains("not in the index at \(index): no-such-id; nothing was removed"))
        let removed = try PapersProcess.run(["remove", "arXiv:2601.00001v3", "piped", "--index", index])
        #expect(removed.status == 0, "\(removed.errors)")
        #expect(removed.output.contains("2 removed"), "\(removed.output)")
        #expect(!(try PapersProcess.run(["search", "quasicrystal", "--index", index]).output.contains("2601.00001")))

        let optimized = try PapersProcess.run(["optimize", "--index", index])
        #expect(optimized.output.contains("130 papers in 1 segment"), "\(optimized.output)")
        #expect(try PapersProcess.run(["verify", "--index", index]).status == 0)
        #expect(try IndexFiles.cleanEntries(index) == (try FileManager.default.contentsOfDirectory(atPath: index).sorted()))
    }

    /// The bundled index follows Corpus: a file added there is found by the next search.
    @Test func theDefaultIndexSyncsAChangedCorpus() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.copyItem(atPath: PapersProcess.repositoryRoot + "/Corpus", toPath: directory.path + "/Corpus")
        #expect(try PapersProcess.run(["search", "binary"], in: directory.path).status == 0)
        directory.write("Corpus/late.jsonl", Self.record("late-1", "Zeolite catalysis", "Zeolites crack hydrocarbons."))
        let search = try PapersProcess.run(["search", "zeolite"], in: directory.path)
        #expect(search.status == 0, "\(search.errors)")
        #expect(search.errors.contains("Corpus changed since .papers-index was built: syncing it..."), "\(search.errors)")
        #expect(search.output.contains("Zeolite catalysis"))
        let again = try PapersProcess.run(["search", "zeolite"], in: directory.path)
        #expect(!again.errors.contains("syncing"))
    }

    /// `kill -9` or a failure at any point of an add, a sync, a removal or a merge leaves the last commit
    /// searchable and verified; the next change leaves nothing of the broken one behind.
    @Test(arguments: ["adding", "files-written", "generation-renamed", "deletions-written", "merging", "commit-written", "published"])
    func aKilledOrFailedUpdateLeavesTheIndexIntact(point: String) throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        #expect(try PapersProcess.run(["index", "--index", index]).status == 0)
        let new = directory.write("new.jsonl", Self.record("n1", "Kinetic proofreading", "Error correction in biology."))
        let commands: [[String]] = [["add", new], ["remove", "arXiv:2506.01967"], ["optimize"]]
        var papers = 130
        for command in commands {
            for action in ["kill", "fail"] {
                let result = try PapersProcess.run(command + ["--index", index], environment: ["PAPERSEARCH_FAULT": "\(action):\(point)"])
                let verify = try PapersProcess.run(["verify", "--index", index])
                #expect(verify.status == 0, "\(command[0]) \(action) at \(point): \(verify.errors)")
                if result.status == 0 || point == "published" {
                    // The point is not on this command's way, or the change was published before it died.
                    let stats = try PapersProcess.run(["stats", "--json", "--index", index])
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any])
                    papers = object["papers"] as? Int ?? -1
                } else {
                    #expect(verify.output.contains("\(papers) papers"), "\(command[0]) \(action) at \(point): \(verify.output)")
                }
            }
            // A clean run afterwards leaves only what its commit needs.
            let clean = try PapersProcess.run(command + ["--index", index])
            #expect(clean.status == 0 || command[0] == "remove", "\(clean.errors)")
            #expect(try IndexFiles.cleanEntries(index) == (try FileManager.default.contentsOfDirectory(atPath: index).sorted()), "\(command[0]) at \(point)")
            let stats = try PapersProcess.run(["stats", "--json", "--index", index])
            papers = (try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any])?["papers"] as? Int ?? -1
        }
    }

    /// One writer at a time: a second one is told so and changes nothing.
    @Test func oneWriterAtATime() throws {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        #expect(try PapersProcess.run(["index", "--index", index]).status == 0)
        let writer = try IndexWriter(directory: index)
        defer { writer.abandon() }
        let new = directory.write("new.jsonl", Self.record("n1", "Kinetic proofreading", "Error correction in biology."))
        let second = try PapersProcess.run(["add", new, "--index", index])
        #expect(second.status == 1)
        #expect(second.errors.contains("another 'papers index' is building this index") || second.errors.contains("is being changed"), "\(second.errors)")
    }
}
