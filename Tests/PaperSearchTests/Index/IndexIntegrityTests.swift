import Foundation
import Testing
@testable import PaperSearch

@Suite("Index integrity")
struct IndexIntegrityTests {
    /// A small index of the bundled corpus, built through the same path as `papers index`.
    static func buildBundled(in directory: String, threads: Int = 2) throws -> IndexSummary {
        try IndexBuilder.build(corpus: [TestPaths.corpus], into: directory, threads: threads).summary
    }

    /// The folder of the index's one segment.
    static func generationPath(_ directory: String) throws -> String {
        try SearchIndex.open(at: directory).soleSegment.folder
    }

    /// Replaces one byte of a file.
    static func flip(_ path: String, at offset: Int) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[offset] ^= 0x5A
        try SystemCalls.writeFile(path, Array(data))
    }

    @Test func theSameCorpusGivesTheSameFileBodies() throws {
        let a = ScratchDirectory(), b = ScratchDirectory()
        _ = try Self.buildBundled(in: a.path, threads: 1)
        _ = try Self.buildBundled(in: b.path, threads: 2)
        for component in IndexComponent.allCases {
            let first = try Data(contentsOf: URL(fileURLWithPath: try Self.generationPath(a.path) + "/" + component.fileName))
            let second = try Data(contentsOf: URL(fileURLWithPath: try Self.generationPath(b.path) + "/" + component.fileName))
            let header = FileEnvelope.headerLength(component)
            // Only the build id (in the header) and the checksum (in the footer) may differ.
            #expect(first.count == second.count, "\(component)")
            #expect(first[header..<(first.count - 8)] == second[header..<(second.count - 8)], "\(component)")
        }
    }

    @Test("a flipped byte in any file is caught", arguments: IndexComponent.allCases)
    func flippedByteIsCaught(component: IndexComponent) throws {
        let scratch = ScratchDirectory()
        _ = try Self.buildBundled(in: scratch.path)
        let file = try Self.generationPath(scratch.path) + "/" + component.fileName
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
        // A byte in the middle of the body: opening still works (it checks headers and footers only), and
        // verify names the file.
        try Self.flip(file, at: FileEnvelope.headerLength(component) + (size - FileEnvelope.headerLength(component) - 16) / 2)
        let result = Result { () throws(IndexError) in try SearchIndex.open(at: scratch.path).verify() }
        guard case let .failure(error) = result else {
            Issue.record("the damage in \(component) was not detected")
            return
        }
        #expect(Self.damagedFile(error) == file, "\(error)")
    }

    /// Searches over a damaged file: a flipped byte anywhere in a file's body (opening checks only the
    /// envelope) makes every kind of query, with snippets and records, either answer or report the damage,
    /// never crash. The index stays open and mapped while bytes are flipped and flipped back, so each trial
    /// reads the damage afresh; where it lands in a region an earlier trial verified (`VerifiedRegions`), the
    /// damaged bytes are read unchecked, and decoding must still stay inside the file.
    @Test("searches over a damaged file answer or report, never crash", arguments: IndexComponent.allCases)
    func searchesOverDamageAnswerOrReportNeverCrash(component: IndexComponent) throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build(IndexFixtures.randomPapers(count: 1500, seed: 13), in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        let searcher = try Searcher(index: index)
        let file = try Self.generationPath(scratch.path) + "/" + component.fileName
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
        let start = FileEnvelope.headerLength(component), end = size - 16
        let queries = ["wa wb", "wa wb wc wd we", "wa wc wq wbe wgh wkl", "+wa +wc", "\"wa wb\"", "wa -wb", "title:wa wc",
                       "markerblock wa wb", "wb year:>=2000"]
        var random = SplitMix64(seed: 17)
        var reported = 0
        for trial in 0..<(component == .postings ? 300 : 60) {
            let offset = start + Int(random.next() % UInt64(end - start))
            try Self.flip(file, at: offset)
            for query in queries {
                let options = SearchOptions(limit: 10, snippets: trial % 2 == 0, records: trial % 2 == 0)
                do { _ = try searcher.search(query, options: options) } catch { reported += 1 }
            }
            try Self.flip(file, at: offset)
        }
        if component == .postings { #expect(reported > 0, "some damage should have been reported") }
    }

    /// Damage is never silent: after a flipped byte anywhere in a file (the index opened afresh, so that the
    /// checks made when opening apply), every search either reports the damage or answers exactly as the
    /// undamaged index does — the same papers, scores, records and snippets. Every kind of query reads
    /// postings, positions, norms, the dictionary and the records.
    @Test("damage is reported or changes nothing", arguments: IndexComponent.allCases)
    func damageIsReportedOrChangesNothing(component: IndexComponent) throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build(IndexFixtures.randomPapers(count: 400, seed: 21), in: scratch.path)
        let queries = ["wa wb", "wa wb wc wd we wf wg", "+wa +wc", "\"wa wb\"", "\"wc wa wb\"", "wa -wb", "title:wa wc",
                       "markerblock wa", "markerone", "wb +year:>=2000", "wa*", "author:turing wa", "pre-training"]
        func answers(_ index: SearchIndex) throws -> [String] {
            let searcher = try Searcher(index: index)
            return try queries.map { query in
                let results = try searcher.search(query, options: SearchOptions(limit: 10, snippets: true))
                return "\(results.totalHits) " + results.hits.map { hit in
                    var writer = JSONWriter()
                    hit.paper.writeRecord(into: &writer)
                    return "\(hit.id) \(hit.score) \(hit.snippet?.text ?? "") \(String(decoding: writer.bytes, as: UTF8.self))"
                }.joined(separator: "|")
            }
        }
        let expected = try answers(try SearchIndex.open(at: scratch.path))
        let file = try Self.generationPath(scratch.path) + "/" + component.fileName
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
        var random = SplitMix64(seed: 23)
        var reported = 0, unchanged = 0
        for _ in 0..<80 {
            let offset = Int(random.next() % UInt64(size))
            try Self.flip(file, at: offset)
            defer { _ = try? Self.flip(file, at: offset) }
            do {
                let index = try SearchIndex.open(at: scratch.path)
                let found = try answers(index)
                #expect(found == expected, "\(component): a flipped byte at \(offset) changed the answers silently")
                unchanged += 1
            } catch is IndexError {
                reported += 1
            } catch let error as SearchError {
                guard case .index = error else { throw error }
                reported += 1
            }
        }
        #expect(reported > 0)
    }

    /// An index opened before its manifest was damaged on disk: verify reads the manifest again.
    @Test func verifyReadsTheManifestAgain() throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build(IndexFixtures.randomPapers(count: 50, seed: 2), in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        try index.verify()
        try Self.flip(try Self.generationPath(scratch.path) + "/" + Manifest.fileName, at: 30)
        #expect(throws: IndexError.self) { try index.verify() }
    }

    @Test func anyDamageToTheManifestIsCaughtAtOpen() throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build(IndexFixtures.randomPapers(count: 50, seed: 2), in: scratch.path)
        let manifest = try Self.generationPath(scratch.path) + "/" + Manifest.fileName
        let size = try FileManager.default.attributesOfItem(atPath: manifest)[.size] as? Int ?? 0
        for offset in 0..<(size - 1) {  // the last byte is the newline after the JSON
            try Self.flip(manifest, at: offset)
            #expect(throws: IndexError.self, "a flipped byte at \(offset)") { _ = try SearchIndex.open(at: scratch.path) }
            try Self.flip(manifest, at: offset)
        }
        _ = try SearchIndex.open(at: scratch.path)
    }

    static func damagedFile(_ error: IndexError) -> String? {
        if case let .checksumMismatch(path, _, _) = error { return path }
        if case let .corrupt(path, _) = error { return path }
        return nil
    }

    @Test("a damaged header or footer is caught at open", arguments: IndexComponent.allCases)
    func damagedEnvelopeIsCaughtAtOpen(component: IndexComponent) throws {
        for offset in [0, 6, -12] {
            let scratch = ScratchDirectory()
            _ = try Self.buildBundled(in: scratch.path)
            let file = try Self.generationPath(scratch.path) + "/" + component.fileName
            let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
            try Self.flip(file, at: offset >= 0 ? offset : size + offset)
            #expect(throws: IndexError.self, "\(component) at \(offset)") { _ = try SearchIndex.open(at: scratch.path) }
        }
    }

    @Test func truncationIsCaught() throws {
        let scratch = ScratchDirectory()
        _ = try Self.buildBundled(in: scratch.path)
        let folder = try Self.generationPath(scratch.path)
        let file = folder + "/" + IndexComponent.postings.fileName
        let length = try Self.manifestLength(folder, .postings)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.truncate(atOffset: 100)
        try handle.close()
        #expect(throws: IndexError.truncated(file: file, length: 100, needed: length)) {
            _ = try SearchIndex.open(at: scratch.path)
        }
    }

    /// A file's length as a segment's manifest gives it.
    static func manifestLength(_ folder: String, _ component: IndexComponent) throws -> Int {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
        let manifest = try Manifest(bytes: bytes, path: "manifest.json")
        return manifest.files.first { $0.name == component.fileName }?.length ?? -1
    }

    @Test func newerFormatIsReportedAsSuchNotAsDamage() throws {
        let scratch = ScratchDirectory()
        _ = try Self.buildBundled(in: scratch.path)
        let folder = try Self.generationPath(scratch.path)
        let file = folder + "/" + IndexComponent.norms.fileName
        // The version field follows the magic, the name length and the codec name.
        let versionOffset = 5 + IndexComponent.norms.codecName.utf8.count
        var data = try Data(contentsOf: URL(fileURLWithPath: file))
        let newer = IndexFormat.currentVersion + 1
        data[versionOffset] = UInt8(newer)
        try SystemCalls.writeFile(file, Array(data))
        #expect(throws: IndexError.formatTooNew(file: file, found: newer, supported: IndexFormat.supportedVersions)) { _ = try SearchIndex.open(at: scratch.path) }

        let manifestPath = folder + "/manifest.json"
        let text = try String(contentsOfFile: manifestPath, encoding: .utf8).replacingOccurrences(of: "\"formatVersion\":\(IndexFormat.currentVersion)", with: "\"formatVersion\":2")
        try SystemCalls.writeFile(manifestPath, Array(text.utf8))
        #expect(throws: IndexError.formatTooOld(file: manifestPath, found: 2, supported: IndexFormat.supportedVersions)) { _ = try SearchIndex.open(at: scratch.path) }
    }

    @Test func filesFromAnotherBuildAreRejected() throws {
        let a = ScratchDirectory(), b = ScratchDirectory()
        _ = try Self.buildBundled(in: a.path)
        _ = try Self.buildBundled(in: b.path)
        let target = try Self.generationPath(a.path) + "/" + IndexComponent.docs.fileName
        try FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: try Self.generationPath(b.path) + "/" + IndexComponent.docs.fileName, toPath: target)
        #expect(throws: IndexError.indexMismatch(file: target)) { _ = try SearchIndex.open(at: a.path) }
    }

    @Test func noIndexIsNotFound() {
        let scratch = ScratchDirectory()
        #expect(throws: IndexError.notFound(path: scratch.path + "/none")) { _ = try SearchIndex.open(at: scratch.path + "/none") }
    }

    @Test func aRebuildReplacesTheGenerationAndAnOpenIndexKeepsReading() throws {
        let scratch = ScratchDirectory()
        _ = try Self.buildBundled(in: scratch.path)
        let old = try SearchIndex.open(at: scratch.path)
        let oldGeneration = old.generation
        let replacement = [Paper(id: "new", title: "Something else", abstract: "Entirely different.")]
        _ = try IndexFixtures.build(replacement, in: scratch.path)
        let new = try SearchIndex.open(at: scratch.path)
        #expect(new.generation != oldGeneration)
        #expect(new.documentCount == 1)
        // The old commit's files are gone from the directory, but the open index still reads them.
        #expect(!FileManager.default.fileExists(atPath: old.soleSegment.folder))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/" + oldGeneration + ".json"))
        #expect(old.documentCount == 130)
        for document in 0..<old.documentCount { _ = try old.paper(at: document) }
        try old.verify()
        // Nothing but the live commit, the pointer and the lock remain.
        let entries = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        #expect(entries == IndexLayout.cleanEntries(scratch.path))
    }

    @Test func aFailedBuildChangesNothing() throws {
        let scratch = ScratchDirectory()
        _ = try Self.buildBundled(in: scratch.path)
        let before = try SearchIndex.open(at: scratch.path).generation
        #expect(throws: IndexError.self) {
            _ = try IndexBuilder.build(corpus: [scratch.path + "/no-such-corpus"], into: scratch.path)
        }
        #expect(try SearchIndex.open(at: scratch.path).generation == before)
        let entries = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        #expect(entries == IndexLayout.cleanEntries(scratch.path))
    }

    @Test func aRepeatedIDRestartsTheBuildWithTwoPassesAndLeavesNothingBehind() throws {
        // The bundled corpus repeats two papers, so the one-pass attempt is dropped part-way.
        let scratch = ScratchDirectory()
        let (summary, report) = try IndexBuilder.build(corpus: [TestPaths.corpus], into: scratch.path)
        #expect(report.duplicatesMerged == 2)
        #expect(summary.documentCount == 130)
        // The dropped attempt's segment number is free again: the segment is 1, the commit 2.
        #expect(summary.generation == "commit-000002")
        let entries = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        #expect(entries == ["CURRENT", "LOCK", "PAPERSEARCH-INDEX", "commit-000002.json", "seg-000001"]
                + (0..<5).map { "src-000002-\($0).psi" })
    }

    @Test func leftoversOfAKilledBuildAreRemovedByTheNext() throws {
        let scratch = ScratchDirectory()
        _ = try Self.buildBundled(in: scratch.path)
        // What a build killed half-way leaves: a temporary generation and a half-written pointer.
        try FileManager.default.createDirectory(atPath: scratch.path + "/tmp-7-99999", withIntermediateDirectories: true)
        try SystemCalls.writeFile(scratch.path + "/tmp-7-99999/postings.psp", [1, 2, 3])
        try SystemCalls.writeFile(scratch.path + "/CURRENT.tmp", Array("gen-000009".utf8))
        #expect(try SearchIndex.open(at: scratch.path).documentCount == 130)
        let summary = try Self.buildBundled(in: scratch.path)
        let entries = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        #expect(entries == IndexLayout.cleanEntries(scratch.path))
        #expect(summary.generation == "commit-000004")
    }
}
