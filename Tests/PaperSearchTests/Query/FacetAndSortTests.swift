import Testing
@testable import PaperSearch

/// Facets, exact counts and date order against brute force over the papers every match is.
@Suite("Facets, counts and sorting")
struct FacetAndSortTests {
    @Test func facetsCountEveryMatchExactly() throws {
        let (index, papers) = try SearchFixtures.arxiv()
        let searcher = try Searcher(index: index)
        // The last but one matches most of the papers: its facets count the others and subtract.
        for query in ["diffusion", "LLMs +category:cs.CL", "\"large language models\"", "graph OR retrieval -category:cs.CV",
                      "model OR learning OR data OR method OR results OR propose", "zzzunknown"] {
            var options = SearchOptions(limit: 5, snippets: false, records: false)
            options.facets = FacetField.allCases
            options.facetLimit = 1_000_000
            let results = try searcher.search(query, options: options)
            let all = try searcher.search(query, options: SearchOptions(limit: papers.count, snippets: false, exhaustive: true, records: false))
            let matched = all.hits.map { papers[$0.document] }
            #expect(results.totalIsExact && results.totalHits == matched.count, "\(query)")
            if query.hasPrefix("model OR") { #expect(matched.count > papers.count / 2) }
            // Values that differ only in case are one value ("Bo Xu", "Bo XU").
            func expected(_ values: (Paper) -> [String]) -> [String: Int] {
                var counts: [String: Int] = [:]
                for paper in matched { for value in Set(values(paper).map { $0.lowercased() }) { counts[value, default: 0] += 1 } }
                return counts
            }
            let truth: [FacetField: [String: Int]] = [
                .year: expected { $0.year.map { [String($0)] } ?? [] }, .category: expected(\.categories),
                .venue: expected { $0.venue.map { [$0] } ?? [] }, .author: expected(\.authors),
            ]
            for facet in results.facets {
                let found = Dictionary(uniqueKeysWithValues: facet.values.map { ($0.value.lowercased(), $0.count) })
                let wanted = truth[facet.field] ?? [:]
                let differing = Set(found.keys).union(wanted.keys).filter { found[$0] != wanted[$0] }.sorted().prefix(5)
                #expect(differing.isEmpty, "\(query) \(facet.field): \(differing.map { "\($0): \(found[$0] ?? 0) vs \(wanted[$0] ?? 0)" })")
                #expect(facet.distinctValues == truth[facet.field]?.count, "\(query) \(facet.field)")
                let counts = facet.values.map(\.count)
                #expect(counts == counts.sorted(by: >), "most frequent first")
            }
            // A short list is the head of the long one.
            options.facetLimit = 3
            let short = try searcher.search(query, options: options)
            for (head, whole) in zip(short.facets, results.facets) { #expect(head.values == Array(whole.values.prefix(3))) }
        }
    }

    @Test func theCountDoesNotDependOnK() throws {
        let (index, _) = try SearchFixtures.arxiv()
        let searcher = try Searcher(index: index)
        for query in ["model", "quantum error", "+vision +language"] {
            var counts = Set<Int>()
            for limit in [0, 1, 10, 100] {
                var options = SearchOptions(limit: limit, snippets: false, records: false)
                options.exactCount = true
                let results = try searcher.search(query, options: options)
                #expect(results.totalIsExact)
                counts.insert(results.totalHits)
            }
            let all = try searcher.search(query, options: SearchOptions(limit: 100_000, snippets: false, exhaustive: true, records: false))
            #expect(counts == [all.hits.count], "\(query)")
        }
    }

    @Test func newestAndOldestFirst() throws {
        let (index, papers) = try SearchFixtures.arxiv()
        let searcher = try Searcher(index: index)
        for sort in [SortOrder.newest, .oldest] {
            var options = SearchOptions(limit: 50, snippets: false)
            options.sort = sort
            let results = try searcher.search("segmentation", options: options)
            let keys = results.hits.map { DocValuesWriter.dateKey(papers[$0.document]) }
            let expected = sort == .newest ? keys.sorted(by: >) : keys.sorted(by: <)
            #expect(keys == expected, "\(sort)")
            // The first page of the order is the true first page.
            let all = try searcher.search("segmentation", options: SearchOptions(limit: papers.count, snippets: false, exhaustive: true))
            let allKeys = all.hits.map { DocValuesWriter.dateKey(papers[$0.document]) }
            #expect(keys == Array((sort == .newest ? allKeys.sorted(by: >) : allKeys.sorted(by: <)).prefix(50)))
            #expect(results.hits.allSatisfy { $0.score > 0 })
        }
        // Papers with neither date nor year come last either way.
        let undated = [Paper(id: "a", title: "Graphs", abstract: ""), Paper(id: "b", title: "Graphs", year: 2020, abstract: ""),
                       Paper(id: "c", title: "Graphs", date: "2021-05-01", abstract: "")]
        let small = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(undated, in: directory) }
        for (sort, order) in [(SortOrder.newest, ["c", "b", "a"]), (.oldest, ["b", "c", "a"])] {
            var options = SearchOptions(limit: 10, snippets: false)
            options.sort = sort
            #expect(try Searcher(index: small).search("graphs", options: options).hits.map(\.id) == order, "\(sort)")
        }
    }
}
