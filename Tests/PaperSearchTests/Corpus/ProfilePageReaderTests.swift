import Testing
@testable import PaperSearch

@Suite("Profile pages")
struct ProfilePageReaderTests {
    /// One golden line: what a paper on a bundled page must read as (checked by hand against the pages).
    struct GoldenPaper: CustomStringConvertible {
        var file: String
        var line: Int
        var title: String
        var authors: [String]
        var year: Int?
        var venue: String?
        var abstractPrefix: String
        var description: String { "\(file):\(line) \(title)" }
    }

    static let golden: [GoldenPaper] = {
        guard let text = try? readText(TestPaths.fixture("bundled-corpus-golden.tsv")) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return GoldenPaper(
                file: fields[0], line: Int(fields[1]) ?? 0, title: fields[2],
                authors: fields[3].isEmpty ? [] : fields[3].components(separatedBy: "; "),
                year: Int(fields[4]), venue: fields[5].isEmpty ? nil : fields[5], abstractPrefix: fields[6])
        }
    }()

    static let pages = [
        ("000_9e07d69e553662ff.txt", 6), ("001_4f492b071c9acb0c.txt", 48), ("002_ad5981f22b560db4.txt", 25),
        ("003_3035eaba4817b472.txt", 50), ("004_e4365682996a7504.txt", 3),
    ]

    @Test("each bundled page reads as its golden records", arguments: pages)
    func pageMatchesGolden(file: String, expectedCount: Int) throws {
        let text = try readText(TestPaths.corpus + "/" + file)
        let papers = ProfilePageReader.papers(inPage: text, file: file)
        let expected = Self.golden.filter { $0.file == file }
        #expect(papers.count == expectedCount)
        #expect(expected.count == expectedCount)
        for (paper, golden) in zip(papers, expected) {
            #expect(paper.sources == [SourceLocation(file: file, line: golden.line)], "\(golden)")
            #expect(paper.title == golden.title, "\(golden)")
            #expect(paper.authors == golden.authors, "\(golden)")
            #expect(paper.year == golden.year, "\(golden)")
            #expect((paper.venue ?? paper.categories.first) == golden.venue, "\(golden)")
            #expect(paper.abstract.hasPrefix(golden.abstractPrefix), "\(golden)")
        }
    }

    @Test func runTogetherTitlesAndAuthorsAreSplitAtTheGlue() throws {
        let cases: [(String, String, [String], Bool, [String])] = [
            ("RBGNet: Ray-based Grouping for 3D Object DetectionHaiyang Wang, Shaoshuai Shi, Ze Yang et al. · pku",
             "RBGNet: Ray-based Grouping for 3D Object Detection", ["Haiyang Wang", "Shaoshuai Shi", "Ze Yang"], true, ["pku"]),
            ("Intra-Modal Proxy Learning for Zero-Shot Visual Categorization with CLIPQi Qian, Yuanhong Xu, Juhua Hu · uw",
             "Intra-Modal Proxy Learning for Zero-Shot Visual Categorization with CLIP", ["Qi Qian", "Yuanhong Xu", "Juhua Hu"], false, ["uw"]),
            ("Universal Approximation Theorem of Deep Q-NetworksQian Qi", "Universal Approximation Theorem of Deep Q-Networks",
             ["Qian Qi"], false, []),
            ("A Theory of $θ$-ExpectationsQian Qi", "A Theory of $θ$-Expectations", ["Qian Qi"], false, []),
            ("Youku-mPLUG: A 10 Million Large-scale Chinese Video-Language Dataset for Pre-training and BenchmarksHaiyang Xu, Qinghao Ye, Xuan Wu et al.",
             "Youku-mPLUG: A 10 Million Large-scale Chinese Video-Language Dataset for Pre-training and Benchmarks",
             ["Haiyang Xu", "Qinghao Ye", "Xuan Wu"], true, []),
        ]
        for (line, title, authors, hasMore, affiliations) in cases {
            let split = try #require(ProfilePageReader.splitRunTogether(line), "\(line)")
            #expect(split.title == title)
            #expect(split.authors.names == authors)
            #expect(split.authors.hasMore == hasMore)
            #expect(split.authors.affiliations == affiliations)
        }
        // Prose and page chrome are not run-together entries.
        #expect(ProfilePageReader.splitRunTogether("ResearcherAffiliation not importedOpen to collaborate") == nil)
        #expect(ProfilePageReader.splitRunTogether("Trust 21 - EmergingVerification L1Unclaimed author") == nil)
        #expect(ProfilePageReader.splitRunTogether("Zechun Liu") == nil)
    }

    @Test func listingHeaders() throws {
        let full = try #require(ListingHeader("25.1LGMay 25, 2022Code"))
        #expect(full.score == "25.1")
        #expect(full.category == "LG")
        #expect((full.month, full.day, full.year) == (5, 25, 2022))
        #expect(full.hasCode)
        let noYear = try #require(ListingHeader("10.0LGMar 16"))
        #expect(noYear.year == nil)
        #expect(noYear.dateText == "Mar 16")
        #expect(!noYear.hasCode)
        let noScore = try #require(ListingHeader("QUANT-PHNov 13, 2023"))
        #expect(noScore.score == nil)
        #expect(noScore.category == "QUANT-PH")
        #expect(ListingHeader("CVApr 28Code")?.hasCode == true)
        #expect(ListingHeader("h-index26") == nil)
        #expect(ListingHeader("48 Papers") == nil)
        #expect(ListingHeader("AI Score65") == nil)
    }

    @Test func headerDetailsBecomeFields() throws {
        let text = try readText(TestPaths.corpus + "/001_4f492b071c9acb0c.txt")
        let papers = ProfilePageReader.papers(inPage: text, file: "001")
        let bit = try #require(papers.first)
        #expect(bit.date == "2022-05-25")
        #expect(bit.extra["score"] == .number("25.1"))
        #expect(bit.extra["code"] == .bool(true))
        #expect(bit.extra["more_authors"] == .bool(true))
        #expect(bit.extra["affiliations"] == .array([.string("meta-ai"), .string("pku")]))
        let flash = try #require(papers.first { $0.title.hasPrefix("MobileLLM-Flash") })
        #expect(flash.year == nil)
        #expect(flash.date == nil)
        #expect(flash.extra["listed"] == .string("Mar 16"))
    }

    @Test func ownerIsTheAuthorWhereThePageListsNone() throws {
        let text = try readText(TestPaths.corpus + "/004_e4365682996a7504.txt")
        let papers = ProfilePageReader.papers(inPage: text, file: "004")
        #expect(papers.map(\.authors) == Array(repeating: ["Qianli Liao"], count: 3))
        #expect(papers.allSatisfy { $0.venue == "arXiv" && $0.year == 2020 && $0.extra["type"] == .string("preprint") })
    }

    @Test func entriesWithoutAbstractEndAtTheNextEntry() {
        let page = """
            Jane Doe

            preprint2021arXiv

            A Paper Without Abstract

            preprint2020NeurIPS

            Second Paper

            Its abstract.
            """
        let papers = ProfilePageReader.papers(inPage: page, file: "p")
        #expect(papers.map(\.title) == ["A Paper Without Abstract", "Second Paper"])
        #expect(papers.map(\.abstract) == ["", "Its abstract."])
        #expect(papers.map(\.venue) == ["arXiv", "NeurIPS"])
        #expect(papers.map(\.authors) == [["Jane Doe"], ["Jane Doe"]])
    }
}
