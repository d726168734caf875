import Foundation
import Glibc
import Testing
@testable import PaperSearch
@testable import PaperSearchEvaluation

@Suite("Corpus reader")
struct CorpusReaderTests {
    @Test func bundledCorpusMergesThePapersListedOnTwoPages() throws {
        let (papers, report) = try CorpusReader(paths: [TestPaths.corpus]).readAll()
        #expect(report.files.count == 5)  // README.md and other non-corpus files are passed over
        #expect(report.files.map(\.papers) == [6, 48, 25, 50, 3])
        #expect(report.papersRead == 132)
        #expect(report.duplicatesMerged == 2)
        #expect(report.uniquePapers == 130)
        #expect(papers.count == 130)
        #expect(report.skipped.isEmpty)
        #expect(Set(papers.map(\.id)).count == papers.count)

        let study = try #require(papers.first { $0.title.hasPrefix("An Empirical Study on Distribution Shift") })
        #expect(study.sources.map { ($0.file as NSString).lastPathComponent + ":\($0.line)" }
            == ["000_9e07d69e553662ff.txt:61", "002_ad5981f22b560db4.txt:18"])
        // The page that lists no authors gave the owner; the other page adds the co-authors.
        #expect(study.authors == ["Ziquan Liu", "Yi Xu", "Yuanhong Xu"])
        #expect(study.year == 2022)
        #expect(study.date == "2022-05-25")
        #expect(study.venue == "arXiv")
    }

    @Test func derivedIDsAreStableAndFollowTheNormalisedTitle() {
        let id = PaperID.derived(fromTitle: "BiT: Robustly Binarized Multi-distilled Transformer")
        #expect(id == PaperID.derived(fromTitle: "  bit robustly   binarized multi distilled TRANSFORMER "))
        #expect(id.hasPrefix("t-") && id.count == 18)
        // Pinned value: the id must not change between releases or machines.
        #expect(PaperID.derived(fromTitle: "Attention Is All You Need") == "t-" + hex(StableHash.fnv1a64("attention is all you need".utf8)))
        #expect(PaperID.normalizedTitle("Schrödinger’s  Cat—Revisited: θ-Expectations") == "schrodinger s cat revisited theta expectations")
        #expect(StableHash.fnv1a64("".utf8) == 0xCBF2_9CE4_8422_2325)
        #expect(StableHash.fnv1a64("a".utf8) == 0xAF63_DC4C_8601_EC8C)
    }

    private func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    @Test func jsonLinesRecordsWithEveryFieldForm() throws {
        let scratch = ScratchDirectory()
        let file = scratch.write("papers.jsonl", """
            {"id": "p1", "title": "First  paper", "abstract": "Line one\\nline   two.", "authors": "A. One, B. Two and C. Three", "year": 2021, "venue": "NeurIPS", "doi": "10.1/x"}
            {"id": 42, "title": "Second", "abstract": "", "authors": ["D. Four", {"name": "E. Five"}], "date": "2019-07-04T10:00:00Z"}

            {"title": "No id here", "abstract": "Derived id.", "authors": []}
            """)
        let (papers, report) = try CorpusReader(paths: [file]).readAll()
        #expect(report.skipped.isEmpty)
        #expect(papers.count == 3)
        #expect(papers[0].id == "p1")
        #expect(papers[0].title == "First paper")
        #expect(papers[0].abstract == "Line one line two.")
        #expect(papers[0].authors == ["A. One", "B. Two", "C. Three"])
        #expect(papers[0].year == 2021)
        #expect(papers[0].venue == "NeurIPS")
        #expect(papers[0].extra["doi"] == .string("10.1/x"))
        #expect(papers[0].sources == [SourceLocation(file: file, line: 1)])
        #expect(papers[1].id == "42")
        #expect(papers[1].authors == ["D. Four", "E. Five"])
        #expect(papers[1].date == "2019-07-04")
        #expect(papers[1].year == 2019)
        #expect(papers[2].id == PaperID.derived(fromTitle: "No id here"))
        #expect(papers[2].sources == [SourceLocation(file: file, line: 4)])
    }

    @Test func beirCorpusFromSciFact() throws {
        let path = TestPaths.fixture("scifact/corpus.jsonl.gz")
        let (papers, report) = try CorpusReader(paths: [path]).readAll()
        #expect(report.files.first?.notes == ["gzip"])
        #expect(papers.count == 501)
        #expect(report.skipped.isEmpty)
        let first = try #require(papers.first)
        #expect(first.id == "4983")
        #expect(first.title.hasPrefix("Microstructural development of human newborn cerebral white matter"))
        #expect(first.abstract.hasPrefix("Alterations of the architecture of cerebral white matter"))
    }

    @Test func beirFieldNames() throws {
        let scratch = ScratchDirectory()
        let file = scratch.write("corpus.jsonl", """
            {"_id": "d1", "title": "T", "text": "Body text.", "metadata": {"url": "u"}}
            """)
        let (papers, report) = try CorpusReader(paths: [file]).readAll()
        #expect(report.files.first?.notes == ["BEIR"])
        #expect(papers.first?.id == "d1")
        #expect(papers.first?.abstract == "Body text.")
        #expect(papers.first?.extra["metadata"] == .object(JSONObject([("url", .string("u"))])))
    }

    @Test func arxivMetadataSnapshot() throws {
        let (papers, report) = try CorpusReader(paths: [TestPaths.fixture("arxiv-snapshot-sample.json")]).readAll()
        #expect(report.files.first?.notes == ["arXiv snapshot"])
        #expect(papers.count == 3)
        let first = papers[0]
        #expect(first.id == "0704.0001")
        #expect(first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies")
        #expect(first.abstract.hasPrefix("A fully differential calculation in perturbative quantum chromodynamics is presented"))
        #expect(!first.abstract.contains("\n") && !first.abstract.contains("  "))
        #expect(first.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"])
        #expect(first.year == 2007)
        #expect(first.date == "2007-04-02")
        #expect(first.venue == nil)
        #expect(first.categories == ["hep-ph"])
        #expect(first.extra["journal-ref"] == .string("Phys.Rev.D76:013009,2007"))
        #expect(first.extra["update_date"] == .string("2008-11-13"))
        #expect(papers[1].categories == ["math.CO", "cs.CG"])
        #expect(papers[1].authors == ["Ileana Streinu", "Louis Theran"])
        // An old-style id without versions: the year comes from the id.
        #expect(papers[2].year == 2004)
        #expect(papers[2].date == nil)  // no version dates; update_date is not the paper's own date
    }

    @Test func gzippedJSONLinesFromArxivDaily() throws {
        // The whole file is large; read the first records through the same path the reader uses.
        let stream = try FileStream.open(path: TestPaths.arxivSample)
        #expect(stream.isCompressed)
        var lines = LineReader(source: stream)
        var count = 0
        while count < 2000, let line = try lines.next() {
            guard case let .object(object) = try JSONParser.parse(line.bytes) else {
                Issue.record("line \(line.number) is not an object")
                return
            }
            let paper = try PaperRecord.paper(from: object, location: SourceLocation(file: "arxiv", line: line.number))
            #expect(!paper.title.isEmpty && !paper.abstract.isEmpty && !paper.authors.isEmpty)
            if count == 0 {
                #expect(paper.id == "2503.11677")
                #expect(paper.title == "Simulation of prosthetic vision with PRIMA system and enhancement of face representation")
                #expect(paper.year == 2025)
            }
            count += 1
        }
        #expect(count == 2000)
    }

    @Test func problemsAreReportedWithFileAndLineAndTheRestIsRead() throws {
        let scratch = ScratchDirectory()
        var bytes = Array("""
            {"id": "ok1", "title": "Good", "abstract": "Fine."}
            {"id": "bad", "title": "Broken" "abstract": "x"}
            {"id": "empty", "title": "", "abstract": "  "}
            [1, 2]

            """.utf8)
        bytes += Array(#"{"id": "utf", "title": "Bad "#.utf8) + [0xC3, 0x28] + Array(#"", "abstract": "a"}"#.utf8) + [0x0A]
        bytes += Array(#"{"id": "ok2", "title": "Also good", "abstract": "Yes."}"#.utf8) + [0x0A]
        let mixed = scratch.write("mixed.jsonl", bytes: bytes)
        let empty = scratch.write("empty.jsonl", "")
        let blank = scratch.write("blank.txt", "  \n\n ")
        let unknown = scratch.write("notes.txt", "Just some notes.\nNothing like a paper.\n")
        let array = scratch.write("array.json", "[{\"id\": \"x\"}]")
        let missing = scratch.file("no-such-directory")
        let (papers, report) = try CorpusReader(paths: [mixed, empty, blank, unknown, array, missing]).readAll()

        #expect(papers.map(\.id) == ["ok1", "ok2"])
        #expect(report.skipped == [.malformedJSON: 1, .noTitleOrAbstract: 1, .notAnObject: 1, .invalidUTF8: 1,
                                   .emptyFile: 2, .unknownFormat: 2, .unreadable: 1])
        let messages = report.problems.map(\.description)
        #expect(messages.contains("\(mixed):2: malformed JSON: column 33: unexpected '\"', expected ',' or '}'"))
        #expect(messages.contains("\(mixed):3: no title or abstract: the record has neither a title nor an abstract"))
        #expect(messages.contains("\(mixed):4: not a JSON object: a JSON value that is not an object"))
        #expect(messages.contains("\(mixed):5: invalid UTF-8: column 29: invalid UTF-8 in a string"))
        #expect(messages.contains("\(empty): empty file: the file is empty"))
        #expect(messages.contains("\(blank): empty file: the file holds only white space"))
        #expect(messages.contains { $0.hasPrefix("\(unknown): unknown format") })
        #expect(messages.contains { $0.hasPrefix("\(array): unknown format: a JSON array") })
        #expect(messages.contains("\(missing): unreadable: cannot stat: No such file or directory"))
        #expect(report.files.first { $0.path == mixed }?.skipped == 4)
    }

    @Test func strictModeStopsAtTheFirstProblem() throws {
        let scratch = ScratchDirectory()
        let file = scratch.write("a.jsonl", "{\"id\": \"1\", \"title\": \"T\"}\nnot json\n{\"id\": \"2\", \"title\": \"U\"}\n")
        var seen: [String] = []
        #expect(throws: CorpusError.strict(CorpusProblem(kind: .malformedJSON, file: file, line: 2,
                                                         detail: "column 1: invalid literal, expected 'null'"))) {
            _ = try CorpusReader(paths: [file], strict: true).read { seen.append($0.id) }
        }
        #expect(seen.isEmpty)  // the first pass finds the problem before any paper is handed over
    }

    @Test func duplicateIDsAcrossFilesMergeIntoTheFirst() throws {
        let scratch = ScratchDirectory()
        let a = scratch.write("a.jsonl", """
            {"id": "x", "title": "Shared", "abstract": "", "authors": ["A"]}
            {"id": "y", "title": "Only here", "abstract": "Y."}
            """)
        let b = scratch.write("b.jsonl", """
            {"id": "x", "title": "Shared (again)", "abstract": "Now with an abstract.", "authors": ["A", "B"], "year": 2020}
            {"id": "x", "title": "Third copy", "abstract": "ignored", "venue": "ICML"}
            """)
        let (papers, report) = try CorpusReader(paths: [a, b]).readAll()
        #expect(papers.map(\.id) == ["x", "y"])
        #expect(report.duplicatesMerged == 2)
        let x = papers[0]
        #expect(x.title == "Shared")
        #expect(x.abstract == "Now with an abstract.")
        #expect(x.authors == ["A", "B"])
        #expect(x.year == 2020)
        #expect(x.venue == "ICML")
        #expect(x.sources == [SourceLocation(file: a, line: 1), SourceLocation(file: b, line: 1), SourceLocation(file: b, line: 2)])
    }

    @Test func onePassGivesWhatTwoPassesGiveAndStopsAtARepeatedID() throws {
        let files = [TestPaths.fixture("arxiv-snapshot-sample.json"), TestPaths.corpus + "/000_9e07d69e553662ff.txt"]
        let reader = CorpusReader(paths: files)
        var once: [Paper] = [], twice: [Paper] = []
        let onceReport = try reader.readOnce { once.append($0) }
        let twiceReport = try reader.read { twice.append($0) }
        #expect(!once.isEmpty)
        #expect(once == twice)
        #expect(onceReport.files == twiceReport.files)
        #expect(onceReport.uniquePapers == twiceReport.uniquePapers)

        // The bundled corpus lists two papers on two pages: one pass stops at the first repeat.
        var handed = 0
        do {
            _ = try CorpusReader(paths: [TestPaths.corpus]).readOnce { _ in handed += 1 }
            Issue.record("no repeated id was reported")
        } catch let repeated as CorpusReader.RepeatedID {
            #expect(handed > 0 && handed < 130)
            #expect(!repeated.id.isEmpty)
        }
    }

    @Test func recordsRoundTripThroughTheirJSONForm() throws {
        let (papers, _) = try CorpusReader(paths: [TestPaths.corpus, TestPaths.fixture("arxiv-snapshot-sample.json")]).readAll()
        let scratch = ScratchDirectory()
        var writer = JSONWriter()
        for paper in papers {
            paper.writeRecord(into: &writer)
            writer.raw("\n")
        }
        let file = scratch.write("converted.jsonl", bytes: writer.bytes)
        let (again, report) = try CorpusReader(paths: [file]).readAll()
        #expect(report.skipped.isEmpty)
        #expect(again == papers)
    }

    /// The index reads its stored records back with `Paper(storedRecord:)`, in one pass over the bytes: every
    /// paper of the bundled corpus and the arXiv sample comes back equal, and bytes that are not such a record
    /// (wrong types, no id, trailing text) are refused, not read as a paper.
    @Test func storedRecordsReadBackInOnePass() throws {
        let (papers, _) = try CorpusReader(paths: [TestPaths.corpus, TestPaths.fixture("arxiv-snapshot-sample.json")]).readAll()
        for paper in papers {
            var writer = JSONWriter()
            paper.writeRecord(into: &writer)
            #expect(Paper(storedRecord: writer.bytes) == paper, "\(paper.id)")
        }
        let read = Paper(storedRecord: Array(#" {"id":"a","x":[1,{"y":null}],"title":"T","x":true} "#.utf8))
        #expect(read == Paper(id: "a", title: "T", abstract: "", extra: JSONObject([("x", .bool(true))])))
        for bad in [#"{"id":"a","title":5}"#, #"{"id":null,"title":"T"}"#, #"{"title":"T"}"#, #"{"id":"a","year":"2020"}"#,
                    #"{"id":"a","authors":["A",1]}"#, #"{"id":"a","sources":[{"file":"f"}]}"#, #"{"id":"a"} x"#, #"{"id":"a""#,
                    #"["id"]"#, ""] {
            #expect(Paper(storedRecord: Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test func directoriesAreWalkedInNameOrderAndNonCorpusFilesSkipped() throws {
        let scratch = ScratchDirectory()
        scratch.write("b/2.jsonl", "{\"id\": \"2\", \"title\": \"Two\"}\n")
        scratch.write("a.jsonl", "{\"id\": \"1\", \"title\": \"One\"}\n")
        scratch.write("README.md", "# Not a corpus file\n")
        scratch.write(".hidden.jsonl", "{\"id\": \"h\", \"title\": \"Hidden\"}\n")
        let (papers, report) = try CorpusReader(paths: [scratch.path]).readAll()
        #expect(papers.map(\.id) == ["1", "2"])
        #expect(report.skipped.isEmpty)
    }

    // MARK: - Hostile and careless input

    @Test func aBadFirstLineLosesThatLineOnlyAndAByteOrderMarkIsAccepted() throws {
        let scratch = ScratchDirectory()
        let garbage = scratch.write("garbage-first.jsonl", """
            this line is not JSON
            {"id": "a", "title": "First", "abstract": "A."}
            {"id": "b", "title": "Second", "abstract": "B."}
            """)
        let bom = scratch.write("bom.jsonl", bytes: FileSniffing.byteOrderMark + Array(#"{"id": "c", "title": "With a BOM", "abstract": "C."}"#.utf8))
        let (papers, report) = try CorpusReader(paths: [garbage, bom]).readAll()
        #expect(papers.map(\.id) == ["a", "b", "c"])
        #expect(report.skipped == [.malformedJSON: 1])
        #expect(report.problems.first?.description.hasPrefix("\(garbage):1: malformed JSON") == true)
    }

    @Test func binaryFilesAreSkippedNeverIndexed() throws {
        let scratch = ScratchDirectory()
        var random = SplitMix64(seed: 3)
        let noise = (0..<5000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let withNUL = scratch.write("blob.txt", bytes: noise)
        let highBytes = scratch.write("latin.txt", bytes: noise.map { $0 | 0x80 })
        let (papers, report) = try CorpusReader(paths: [withNUL, highBytes]).readAll()
        #expect(papers.isEmpty)
        #expect(report.skipped == [.binaryFile: 2])
        #expect(report.problems.map(\.description).allSatisfy { $0.contains("binary file:") && $0.contains("not a corpus file") })
    }

    @Test func outOfRangeYearsAreReportedAndThePaperKept() throws {
        let scratch = ScratchDirectory()
        let file = scratch.write("years.jsonl", """
            {"id": "a", "title": "Far future", "year": 20251}
            {"id": "b", "title": "Negative", "year": -3}
            {"id": "c", "title": "Text", "year": "soon"}
            {"id": "d", "title": "Fine", "year": 2021}
            """)
        let (papers, report) = try CorpusReader(paths: [file]).readAll()
        #expect(papers.map(\.id) == ["a", "b", "c", "d"])
        #expect(papers.map(\.year) == [nil, nil, nil, 2021])
        #expect(report.kept == [.yearOutOfRange: 3])
        #expect(report.skipped.isEmpty)
        #expect(report.problems.first?.description == "\(file):1: year out of range: 20251 is not a year from 1000 to 2999; the paper is kept without one")
    }

    @Test func idsThatWouldBreakARunFileAreRejected() throws {
        let scratch = ScratchDirectory()
        let file = scratch.write("ids.jsonl", """
            {"id": "has space", "title": "One"}
            {"id": "tab\\there", "title": "Two"}
            {"id": "\(String(repeating: "x", count: 600))", "title": "Three"}
            {"id": "fine-id_1.2/3", "title": "Four"}
            """)
        let (papers, report) = try CorpusReader(paths: [file]).readAll()
        #expect(papers.map(\.id) == ["fine-id_1.2/3"])
        #expect(report.skipped == [.badID: 3])
        #expect(report.problems[0].description.contains("white space"))
        #expect(report.problems[2].description.contains("longer than 512 bytes"))
    }

    @Test func theSameFileGivenTwiceIsReadOnce() throws {
        let scratch = ScratchDirectory()
        let file = scratch.write("a.jsonl", "{\"id\": \"1\", \"title\": \"One\"}\n{\"id\": \"2\", \"title\": \"Two\"}\n")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link.jsonl"), withDestinationPath: file)
        let (papers, report) = try CorpusReader(paths: [file, file, scratch.file("link.jsonl"), scratch.path]).readAll()
        #expect(papers.map(\.id) == ["1", "2"])
        #expect(report.duplicatesMerged == 0)
        #expect(report.kept == [.givenTwice: 4])  // the second name, the link, and both again in the folder
        #expect(report.files.count == 1)
        #expect(report.problems[0].description == "\(file): given twice: the same file as \(file); read once")
    }

    /// A pipe and a FIFO are opened once and read in every pass: duplicates make the reader take two.
    @Test func pipesAndFIFOsAreReadOnceAndServeBothPasses() throws {
        let scratch = ScratchDirectory()
        let text = "{\"id\": \"x\", \"title\": \"One\"}\n{\"id\": \"y\", \"title\": \"Two\"}\n{\"id\": \"x\", \"abstract\": \"Merged.\"}\n"
        let fifo = scratch.file("feed.jsonl")
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        writer.start()
        let (papers, report) = try CorpusReader(paths: [fifo]).readAll()
        #expect(papers.map(\.id) == ["x", "y"])
        #expect(papers.first?.abstract == "Merged.")
        #expect(report.duplicatesMerged == 1)

        // Inside a folder a FIFO is not read (nothing would ever write to it).
        let folder = scratch.file("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(mkfifo(folder + "/quiet.jsonl", 0o600) == 0)
        scratch.write("folder/a.jsonl", "{\"id\": \"1\", \"title\": \"One\"}\n")
        let (inFolder, folderReport) = try CorpusReader(paths: [folder]).readAll()
        #expect(inFolder.map(\.id) == ["1"])
        #expect(folderReport.skipped == [.notARegularFile: 1])
    }

    /// One id repeated many times: the merged paper lists a bounded number of sources and counts the rest,
    /// and the repeated records wait on disk, not in memory.
    @Test func anIDRepeatedManyTimesMergesIntoOneBoundedRecord() throws {
        let scratch = ScratchDirectory()
        var text = ""
        for index in 0..<20_000 { text += "{\"id\": \"same\", \"title\": \"Same paper\", \"authors\": [\"A\(index % 7)\"]}\n" }
        text += "{\"id\": \"other\", \"title\": \"Other\"}\n"
        let file = scratch.write("repeats.jsonl", text)
        let (papers, report) = try CorpusReader(paths: [file]).readAll()
        #expect(papers.map(\.id) == ["same", "other"])
        #expect(report.duplicatesMerged == 19_999)
        #expect(papers[0].sources.count == Paper.sourceLimit)
        #expect(papers[0].extra["more_sources"] == .integer(20_000 - Paper.sourceLimit))
        #expect(papers[0].authors.sorted() == (0..<7).map { "A\($0)" })
    }

    @Test func nothingReadableSaysWhatWasWrong() throws {
        let scratch = ScratchDirectory()
        let missing = scratch.file("missing.jsonl")
        let (_, report) = try CorpusReader(paths: [missing]).readAll()
        #expect(CorpusError.nothingReadable(report).description
            == "no papers could be read: \(missing): unreadable: cannot stat: No such file or directory; nothing was changed")
    }
}
