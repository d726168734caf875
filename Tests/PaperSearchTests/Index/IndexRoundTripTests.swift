import Foundation
import Testing
@testable import PaperSearch

/// Builds indexes in scratch directories.
enum IndexFixtures {
    static func build(_ papers: [Paper], in directory: String, runEvery: Int = Int.max,
                      termsPerChunk: Int = PostingsChunkWriter.defaultTermsPerChunk) throws -> IndexSummary {
        var options = IndexWriter.Options()
        options.maximumDocumentsPerRun = runEvery
        options.termsPerPostingsChunk = termsPerChunk
        let writer = try IndexWriter(directory: directory, options: options, replacing: true)
        for paper in papers { try writer.add(paper) }
        return try writer.commit()
    }

    /// A random corpus over a small vocabulary, plus marker words that occur in exactly 1, 2, 127, 128, 129
    /// and 257 papers, so that postings lists end exactly at and around block boundaries.
    static func randomPapers(count: Int, seed: UInt64) -> [Paper] {
        var random = SplitMix64(seed: seed)
        let vocabulary = (0..<400).map { "w" + String($0, radix: 26).map { $0.isNumber ? String(UnicodeScalar(UInt8(ascii: "q") + UInt8(String($0))!)) : String($0) }.joined() }
        let markers: [(String, Int)] = [("markerone", 1), ("markertwo", 2), ("markerbelow", 127), ("markerblock", 128),
                                        ("markerabove", 129), ("markertwoblocks", 257)]
        var papers: [Paper] = []
        for index in 0..<count {
            func words(_ n: Int) -> [String] {
                (0..<n).map { _ in
                    // Zipf-like: small indices are common.
                    let u = Double(random.next() % 1_000_000) / 1_000_000
                    return vocabulary[min(vocabulary.count - 1, Int(Double(vocabulary.count) * u * u * u))]
                }
            }
            var abstract = words(Int(random.next() % 120) + 1)
            for (marker, frequency) in markers where index < frequency && index < count { abstract.insert(marker, at: abstract.count / 2) }
            if index % 7 == 0 { abstract.append(contentsOf: ["the", "of", "pre-training"]) }
            let title = words(Int(random.next() % 10) + 1).joined(separator: " ")
            papers.append(Paper(
                id: "p\(index)", title: title, authors: Array(["Ada Lovelace", "Alan M. Turing"].prefix(index % 3)),
                year: index % 5 == 0 ? nil : 1990 + index % 30, venue: index % 4 == 0 ? "cs.CL" : "NeurIPS",
                abstract: abstract.joined(separator: " "), sources: [SourceLocation(file: "random", line: index + 1)]))
        }
        return papers
    }

    /// What the index must hold, computed independently from the analyzer's token lists.
    struct Expected {
        var postings: [String: [(document: Int, title: Int, abstract: Int, positions: [UInt32])]] = [:]
        var titleLengths: [UInt32] = []
        var abstractLengths: [UInt32] = []
    }

    static func expected(_ papers: [Paper], analyzer: Analyzer = .english) -> Expected {
        var result = Expected()
        for (document, paper) in papers.enumerated() {
            var perTerm: [String: (Int, Int, [UInt32])] = [:]
            let title = analyzer.tokens(paper.title).filter { $0.indexedTerm != nil }
            let abstract = analyzer.tokens(paper.abstract).filter { $0.indexedTerm != nil }
            for token in title { perTerm[token.indexedTerm!, default: (0, 0, [])].0 += 1; perTerm[token.indexedTerm!]!.2.append(UInt32(token.position)) }
            for token in abstract {
                perTerm[token.indexedTerm!, default: (0, 0, [])].1 += 1
                perTerm[token.indexedTerm!]!.2.append(UInt32(IndexFormat.abstractPositionBase + token.position))
            }
            for (term, value) in perTerm {
                result.postings[term, default: []].append((document, value.0, value.1, value.2))
            }
            result.titleLengths.append(UInt32(Set(title.map(\.position)).count))
            result.abstractLengths.append(UInt32(Set(abstract.map(\.position)).count))
        }
        return result
    }
}

@Suite("Index round trips")
struct IndexRoundTripTests {
    /// Every posting, frequency and position of every text term reads back exactly.
    func checkRoundTrip(_ papers: [Paper], runEvery: Int, termsPerChunk: Int = PostingsChunkWriter.defaultTermsPerChunk) throws {
        let scratch = ScratchDirectory()
        let summary = try IndexFixtures.build(papers, in: scratch.path, runEvery: runEvery, termsPerChunk: termsPerChunk)
        let index = try SearchIndex.open(at: scratch.path)
        let expected = IndexFixtures.expected(papers)
        #expect(index.documentCount == papers.count)

        var seen = Set<String>()
        var positions = PositionBuffer()
        try index.terms.forEachTerm { (bytes: [UInt8], info: TermInfo) throws(IndexError) in
            guard bytes.first == FieldNamespace.text.rawValue else { return }
            let term = String(decoding: bytes.dropFirst(), as: UTF8.self)
            seen.insert(term)
            let list = expected.postings[term] ?? []
            #expect(info.documentFrequency == list.count, "\(term)")
            var cursor = index.cursor(info)
            for posting in list {
                if posting.document % 7 == 0 {
                    // A copy that moves on decodes a block of its own: the original reads on as before.
                    var copy = cursor
                    copy.advance(to: UInt32(papers.count - 1))
                }
                #expect(cursor.document == UInt32(posting.document), "\(term)")
                #expect(cursor.titleFrequency == UInt32(posting.title), "\(term)")
                #expect(cursor.abstractFrequency == UInt32(posting.abstract), "\(term)")
                positions.removeAll()
                cursor.appendPositions(to: &positions)
                #expect(positions.elements == posting.positions, "\(term) in \(posting.document)")
                // Read again (as a phrase repeating a word does): the same, though the reader has moved on.
                var again = PositionBuffer()
                cursor.appendPositions(to: &again)
                #expect(again.elements == posting.positions, "\(term) in \(posting.document), read again")
                cursor.next()
            }
            #expect(cursor.document == PostingsCursor.exhausted, "\(term)")
            #expect(cursor.damage == nil)
        }
        #expect(seen == Set(expected.postings.keys))
        for document in 0..<papers.count {
            #expect(index.norms.titleLength(UInt32(document)) == expected.titleLengths[document])
            #expect(index.norms.abstractLength(UInt32(document)) == expected.abstractLengths[document])
            #expect(index.norms.year(UInt32(document)) == papers[document].year)
            #expect(try index.paper(at: document) == papers[document])
            #expect(try index.documentNumber(forID: papers[document].id) == document)
        }
        #expect(try index.documentNumber(forID: "no-such-id") == nil)
        #expect(summary.postingCount == index.manifest.postingCount)
        try index.verify()
    }

    @Test func randomCorpusInMemory() throws {
        try checkRoundTrip(IndexFixtures.randomPapers(count: 300, seed: 1), runEvery: Int.max)
    }

    @Test func randomCorpusAcrossSpilledRuns() throws {
        // Runs of 50 papers: every marker list is split across runs.
        try checkRoundTrip(IndexFixtures.randomPapers(count: 300, seed: 2), runEvery: 50)
    }

    @Test(arguments: [Int.max, 50])
    func randomCorpusInManySmallChunks(runEvery: Int) throws {
        // Three terms per chunk: far more chunks than may be in flight, so the writer waits for and orders them.
        try checkRoundTrip(IndexFixtures.randomPapers(count: 300, seed: 4), runEvery: runEvery, termsPerChunk: 3)
    }

    /// Chunking is invisible: small chunks give the same files, byte for byte past the header (which holds
    /// the build's id), as one chunk.
    @Test func chunkingDoesNotChangeTheFiles() throws {
        let papers = IndexFixtures.randomPapers(count: 300, seed: 5)
        let one = ScratchDirectory(), many = ScratchDirectory()
        _ = try IndexFixtures.build(papers, in: one.path, termsPerChunk: 1 << 30)
        _ = try IndexFixtures.build(papers, in: many.path, termsPerChunk: 2)
        let first = try SearchIndex.open(at: one.path), second = try SearchIndex.open(at: many.path)
        for component in [IndexComponent.terms, .postings, .positions] {
            let name = component.fileName
            let a = try Data(contentsOf: URL(fileURLWithPath: first.soleSegment.folder + "/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: second.soleSegment.folder + "/" + name))
            let header = FileEnvelope.headerLength(component)
            #expect(a.count == b.count, "\(name)")
            #expect(a.dropFirst(header).dropLast(IndexFormat.footerSize) == b.dropFirst(header).dropLast(IndexFormat.footerSize), "\(name)")
        }
    }

    @Test func blockBoundariesAreExercised() throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build(IndexFixtures.randomPapers(count: 300, seed: 3), in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        for (marker, frequency) in [("markerone", 1), ("markertwo", 2), ("markerbelow", 127), ("markerblock", 128),
                                    ("markerabove", 129), ("markertwoblocks", 257)] {
            let term = try #require(Analyzer.english.terms(marker).first)
            let info = try #require(try index.termInfo(.text, Array(term.utf8)), "\(marker)")
            #expect(info.documentFrequency == frequency)
            var cursor = index.cursor(info)
            var documents: [UInt32] = []
            while cursor.document != PostingsCursor.exhausted { documents.append(cursor.document); cursor.next() }
            #expect(documents == (0..<UInt32(frequency)).map { $0 })
            // advance(to:) lands on the first document >= the target, across blocks.
            for target in [0, 1, 126, 127, 128, 129, 200, 256, 257, 1000] where frequency > 1 {
                var skipping = index.cursor(info)
                skipping.advance(to: UInt32(target))
                #expect(skipping.document == (target < frequency ? UInt32(target) : PostingsCursor.exhausted), "\(marker) -> \(target)")
            }
        }
    }

    /// `forEachDocument(below:acceptingBlock:)` gives `body` only documents of the block it last asked
    /// about and was told to read (what lets a scorer make a test per block), passes over a block turned down,
    /// and stands on the first document at or after the end — for walks that start and stop inside blocks.
    @Test func blockWalksAskAboutEveryBlockTheyRead() throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build(IndexFixtures.randomPapers(count: 300, seed: 3), in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        let term = try #require(Analyzer.english.terms("markertwoblocks").first)
        let info = try #require(try index.termInfo(.text, Array(term.utf8)))
        // Documents 0...256: blocks 0..<128, 128..<256 and 256 alone.
        for turnedDown in [Set<Int>(), [0], [1], [0, 2], [1, 2]] {
            for ends in [[50, 200, 300], [128, 129, 256, 257], [200], [127, 255, 256, 300]] {
                var cursor = index.cursor(info)
                var start: UInt32 = 0
                for end in ends.map(UInt32.init) {
                    var asked: (block: Int, read: Bool)?
                    var given: [UInt32] = []
                    cursor.forEachDocument(below: end, acceptingBlock: { block in
                        asked = (block, !turnedDown.contains(block))
                        return !turnedDown.contains(block)
                    }) { document, _, _ in
                        #expect(asked?.block == Int(document) / postingsBlockSize && asked?.read == true,
                                "\(document) given after block \(String(describing: asked)) was asked about")
                        given.append(document)
                    }
                    let expected = (start..<min(end, 257)).filter { !turnedDown.contains(Int($0) / postingsBlockSize) }
                    #expect(given == expected, "\(turnedDown) below \(end)")
                    #expect(cursor.document == (end < 257 ? end : PostingsCursor.exhausted), "\(turnedDown) below \(end)")
                    start = end
                }
            }
        }
    }

    @Test func authorsVenuesAndIDsAreTerms() throws {
        let scratch = ScratchDirectory()
        let papers = [
            Paper(id: "2301.00001", title: "A", authors: ["Zechun Liu", "Barlas Oğuz"], categories: ["cs.LG", "cs.CL"], abstract: "x"),
            Paper(id: "t-1", title: "B", authors: ["Liu Yang"], venue: "NeurIPS", abstract: "y"),
        ]
        _ = try IndexFixtures.build(papers, in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        #expect(try index.termInfo(.author, Array("liu".utf8))?.documentFrequency == 2)
        #expect(try index.termInfo(.author, Array("oguz".utf8))?.documentFrequency == 1)
        #expect(try index.termInfo(.category, Array("cs.cl".utf8))?.documentFrequency == 1)
        #expect(try index.termInfo(.category, Array("cs".utf8))?.documentFrequency == 1)  // the archive, once
        #expect(try index.termInfo(.venue, Array("cs.lg".utf8)) == nil)
        #expect(try index.termInfo(.author, Array("z.".utf8))?.documentFrequency == 1)  // an initial
        #expect(try index.termInfo(.venue, Array("neurips".utf8))?.documentFrequency == 1)
        #expect(try index.documentNumber(forID: "t-1") == 1)
        // Author names stay apart: "liu" of the first name and "yang" of nowhere near.
        let liu = try #require(try index.termInfo(.author, Array("liu".utf8)))
        var cursor = index.cursor(liu)
        var positions = PositionBuffer()
        cursor.appendPositions(to: &positions)
        #expect(positions.elements == [1])
        let prefixed = try index.terms.terms(withPrefix: [FieldNamespace.author.rawValue] + Array("l".utf8), limit: 10)
        #expect(prefixed.terms.map { String(decoding: $0.0.dropFirst(), as: UTF8.self) } == ["l.", "liu"])
        // Fields matched whole keep no positions: asking for them is damage, never an empty answer.
        let venue = try #require(try index.termInfo(.venue, Array("neurips".utf8)))
        var venueCursor = index.cursor(venue)
        positions.removeAll()
        venueCursor.appendPositions(to: &positions)
        #expect(positions.isEmpty && venueCursor.damage != nil)
    }

    /// A list of one block is the block alone (its skip entry is in the dictionary), and a single document
    /// writes nothing to postings.psp or positions.pos.
    @Test func shortListsWriteOnlyTheirBlock() throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build([Paper(id: "a", title: "zeta", abstract: "alpha"),
                                     Paper(id: "b", title: "omega", abstract: "alpha alpha")], in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        let files = index.soleSegment.files
        // "alpha": gaps 0 and 0 (width 0), title frequencies 0 and 0 (width 0), abstract 1 and 2 (width 2).
        #expect(files.postingsEnd - FileEnvelope.headerLength(.postings) == 3 + 1)
        // Its positions, [2^20] and [2^20, 2^20 + 1]: deltas 0, 0 and 1 from 2^20, one group of width 1, a
        // width byte and one byte of bits.
        let info = try #require(try index.termInfo(.text, Array("alpha".utf8)))
        var cursor = index.cursor(info)
        var positions = PositionBuffer()
        cursor.appendPositions(to: &positions)
        #expect(positions.elements == [1 << 20])
        cursor.next()
        positions.removeAll()
        cursor.appendPositions(to: &positions)
        #expect(positions.elements == [1 << 20, (1 << 20) + 1])
        #expect(files.positionsEnd - FileEnvelope.headerLength(.positions) == 2)
        try index.verify()

        // The breakdown finds the same bytes, by field: "alpha"'s block and positions are text's; "zeta" and
        // "omega" hold one position each (one byte) in the dictionary; the ids hold none.
        let breakdown = try index.storageBreakdown()
        let text = 0, id = StorageBreakdown.fields.firstIndex(of: "id")!
        #expect(breakdown.terms[text] == 3 && breakdown.terms[id] == 2)
        #expect(breakdown.bytes[.blockHeaders]?[text] == 3 && breakdown.bytes[.abstractFrequencies]?[text] == 1)
        #expect(breakdown.total(.documents) == 0 && breakdown.total(.skipTables) == 0)
        #expect(breakdown.bytes[.positions]?[text] == 2 && breakdown.total(.positions) == 2)
        #expect(breakdown.bytes[.dictionaryPositions]?[text] == 2 && breakdown.bytes[.dictionaryPositions]?[id] == 0)
        let searchable = index.soleSegment.terms.file.count + index.soleSegment.postings.count + index.soleSegment.positions.count
        #expect(StorageBreakdown.Structure.allCases.reduce(0) { $0 + breakdown.total($1) } + breakdown.otherBytes == searchable)
    }

    @Test func emptyCorpusGivesAnEmptyIndex() throws {
        let scratch = ScratchDirectory()
        let summary = try IndexFixtures.build([], in: scratch.path)
        #expect(summary.documentCount == 0)
        let index = try SearchIndex.open(at: scratch.path)
        #expect(index.documentCount == 0)
        #expect(try index.termInfo(.text, Array("anything".utf8)) == nil)
        try index.verify()
    }

    @Test func onePaperAndATermInEveryPaper() throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build([Paper(id: "only", title: "Lonely paper", abstract: "Just one.")], in: scratch.path)
        let one = try SearchIndex.open(at: scratch.path)
        #expect(one.documentCount == 1)
        try one.verify()

        let many = (0..<700).map { Paper(id: "d\($0)", title: "common", abstract: "common text number \($0)") }
        let other = ScratchDirectory()
        _ = try IndexFixtures.build(many, in: other.path)
        let index = try SearchIndex.open(at: other.path)
        #expect(try index.termInfo(.text, Array("common".utf8))?.documentFrequency == 700)
        try index.verify()
    }

    /// A stored record reads back as the paper added, field for field: nothing is filled in or cleaned again
    /// (no year from the date, no source for a paper that had none), whatever its fields hold.
    @Test func storedRecordsReadBackAsAdded() throws {
        let scratch = ScratchDirectory()
        var extra = JSONObject()
        extra["text"] = .string("a second abstract the source also had")
        extra["journal"] = .string("Nature")
        extra["scores"] = .array([.number("1.5e3"), .null, .bool(true), .object(JSONObject([("k", .string("v"))]))])
        let papers = [
            Paper(id: "dated", title: "No year, a date", year: nil, date: "2021-05-04", abstract: "dated paper"),
            Paper(id: "bare", title: "", abstract: "an abstract alone, no title, sources or authors"),
            Paper(id: "quoted", title: "Title with \"quotes\", a \\ backslash,\ttab and é ✓ 𝛼",
                  authors: ["Zoë Ng", "O'Brien, J."], year: 2024, venue: "Venue \u{1}", categories: ["cs.LG", "stat.ML"],
                  abstract: "Line one\nline two", sources: [SourceLocation(file: "a.jsonl", line: 3), SourceLocation(file: "b b.jsonl", line: 9)],
                  extra: extra),
        ]
        _ = try IndexFixtures.build(papers, in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        for (document, paper) in papers.enumerated() { #expect(try index.paper(at: document) == paper) }
    }

    @Test func aOneMegabyteAbstract() throws {
        let scratch = ScratchDirectory()
        var words: [String] = []
        var random = SplitMix64(seed: 9)
        while words.count < 160_000 { words.append(["quantum", "error", "correction", "surface", "code", "qubit"][Int(random.next() % 6)]) }
        let abstract = words.joined(separator: " ")
        #expect(abstract.utf8.count > 1_000_000)
        let longer = Array(repeating: "surface", count: 70_000).joined(separator: " ")
        _ = try IndexFixtures.build([Paper(id: "big", title: "Big", abstract: abstract), Paper(id: "small", title: "Small", abstract: "qubit"),
                                     Paper(id: "long", title: "Long", abstract: longer)], in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        #expect(try index.paper(at: 0).abstract == abstract)
        // Lengths past 16 bits come from the norms' long list, exact.
        #expect(index.norms.lengths(0) == (1, 160_000))
        #expect(index.norms.lengths(1) == (1, 1))
        #expect(index.norms.lengths(2) == (1, 70_000))
        let info = try #require(try index.termInfo(.text, Array("qubit".utf8)))
        var cursor = index.cursor(info)
        var positions = PositionBuffer()
        cursor.appendPositions(to: &positions)
        #expect(positions.count == words.filter { $0 == "qubit" }.count)
        try index.verify()
    }
}
