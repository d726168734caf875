import Foundation
import Testing
@testable import PaperSearch

/// An index changed by adds, updates, removes and merges answers every query exactly as a fresh build of
/// the same papers does: the same ids with the same scores, to the last bit.
@Suite("A living index against a rebuild")
struct LivingIndexTests {
    /// The queries both indexes answer: words drawn from the papers in every query form.
    static func queries(from papers: [Paper], seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        let words = papers.flatMap { ($0.title + " " + $0.abstract).split(separator: " ").map(String.init) }
            .filter { $0.hasPrefix("w") }
        func word() -> String { words[Int(random.next() % UInt64(words.count))] }
        var queries = ["markerone", "markertwo", "markerblock", "markertwoblocks", "lovelace", "turing alan", "p12", "pretraining",
                       "\"pre-training\"", "author:\"A. Turing\"", "venue:neurips", "category:cs"]
        for _ in 0..<6 {
            queries += [word(), "\(word()) \(word())", (0..<6).map { _ in word() }.joined(separator: " "),
                        "+\(word()) +\(word())", "+\(word()) \(word()) -\(word())", "title:\(word())",
                        "\(word()) year:2000..2010", "\(word()) +year:2000..2010", "\(word()) -year:1995..2005",
                        "author:turing \(word())",
                        "venue:\"cs.CL\" \(word()) \(word())", String(word().prefix(2)) + "*"]
            // A phrase as written in some paper.
            let paper = papers[Int(random.next() % UInt64(papers.count))]
            let abstract = paper.abstract.split(separator: " ")
            if abstract.count > 3 {
                let start = Int(random.next() % UInt64(abstract.count - 2))
                queries.append("\"" + abstract[start...(start + 1)].joined(separator: " ") + "\"")
            }
        }
        return queries
    }

    /// Every match with its score (exhaustive), the pruned top 10, and the facets, of both indexes.
    static func expectSameAnswers(_ living: SearchIndex, _ rebuilt: SearchIndex, queries: [String], context: String) throws {
        #expect(living.documentCount == rebuilt.documentCount, "\(context)")
        #expect(living.statistics == rebuilt.statistics, "\(context)")
        let a = try Searcher(index: living), b = try Searcher(index: rebuilt)
        for query in queries {
            var all = SearchOptions(limit: 10_000, snippets: false, exhaustive: true)
            all.exactCount = true
            let left = try a.search(query, options: all), right = try b.search(query, options: all)
            let leftScores = Dictionary(uniqueKeysWithValues: left.hits.map { ($0.id, $0.score) })
            let rightScores = Dictionary(uniqueKeysWithValues: right.hits.map { ($0.id, $0.score) })
            #expect(leftScores == rightScores, "\(context): '\(query)'")
            #expect(left.totalHits == right.totalHits, "\(context): '\(query)'")

            let top = SearchOptions(limit: 10, snippets: false)
            let prunedLeft = try a.search(query, options: top).hits, prunedRight = try b.search(query, options: top).hits
            #expect(prunedLeft.map(\.score) == prunedRight.map(\.score), "\(context): top 10 of '\(query)'")
            // Ids may differ only among papers tied at the last score kept.
            let last = prunedRight.last?.score ?? 0
            #expect(Set(prunedLeft.filter { $0.score > last }.map(\.id)) == Set(prunedRight.filter { $0.score > last }.map(\.id)),
                    "\(context): top 10 of '\(query)'")
            // The pruned top 10 is the exhaustive one.
            #expect(prunedLeft.map(\.score) == Array(left.hits.prefix(10).map(\.score)), "\(context): pruned '\(query)'")

            var faceted = SearchOptions(limit: 0, snippets: false)
            faceted.facets = FacetField.allCases
            faceted.facetLimit = 1000
            #expect(try a.search(query, options: faceted).facets == (try b.search(query, options: faceted).facets), "\(context): facets of '\(query)'")
        }
    }

    @Test(arguments: [MergePolicy(factor: 3, floorSize: 20), MergePolicy.never])
    func randomOperationsAnswerAsARebuild(policy: MergePolicy) throws {
        let scratch = ScratchDirectory()
        let living = scratch.path + "/living", rebuilt = scratch.path + "/rebuilt"
        let originals = IndexFixtures.randomPapers(count: 400, seed: 21)
        // Revised versions: the same ids, other words.
        let revisions = IndexFixtures.randomPapers(count: 400, seed: 22)
        var random = SplitMix64(seed: 23)
        var model: [String: Paper] = [:]
        var next = 0
        var options = IndexWriter.Options()
        options.mergePolicy = policy
        options.threads = 2
        for round in 0..<8 {
            let writer = try IndexWriter(directory: living, options: options)
            // New papers.
            for _ in 0..<(round == 0 ? 120 : 35) where next < originals.count {
                try writer.add(originals[next])
                model[originals[next].id] = originals[next]
                next += 1
            }
            let present = model.keys.sorted()
            // Updates, a paper added twice in one commit, removals (some of ids never added), an add then remove.
            for _ in 0..<8 {
                let id = present[Int(random.next() % UInt64(present.count))]
                guard let number = Int(id.dropFirst()) else { continue }
                var revised = revisions[number]
                revised.id = id
                try writer.add(revised)
                model[id] = revised
            }
            if next < originals.count {
                var twice = originals[next]
                try writer.add(twice)
                twice.title += " wz"
                try writer.add(twice)
                model[twice.id] = twice
                next += 1
            }
            for _ in 0..<6 {
                let id = present[Int(random.next() % UInt64(present.count))]
                let removed = try writer.remove(id: id)
                #expect(removed == (model.removeValue(forKey: id) != nil), "round \(round): remove \(id)")
            }
            #expect(try writer.remove(id: "no-such-paper") == false)
            if next < originals.count {
                try writer.add(originals[next])
                #expect(try writer.remove(id: originals[next].id))
                next += 1
            }
            let summary = try writer.commit()
            #expect(summary.documentCount == model.count)

            // The oracle: the same papers, built in one go.
            _ = try IndexFixtures.build(model.keys.sorted().compactMap { model[$0] }, in: rebuilt)
            let index = try SearchIndex.open(at: living)
            try index.verify()
            if policy == .never { #expect(index.segments.count == round + 1 || index.segments.count < round + 1) }
            try Self.expectSameAnswers(index, try SearchIndex.open(at: rebuilt),
                                       queries: Self.queries(from: Array(model.values), seed: UInt64(round)),
                                       context: "round \(round), \(index.segments.count) segments")
        }
        let index = try SearchIndex.open(at: living)
        if policy == .never {
            #expect(index.segments.count >= 6, "each commit adds a segment")
        } else {
            #expect(index.segments.count < 8, "merges keep the segments few")
        }
    }
}

/// Score bounds stored by a segment assume its own statistics; converted for a commit's they still bound.
@Suite("Segment bounds under other statistics")
struct SegmentBoundTests {
    /// The converted maximum bounds the saturation of every (frequency, length) under the new averages.
    @Test func convertedSaturationBoundsEveryPosting() {
        var random = SplitMix64(seed: 5)
        let parameters = BM25Parameters.default
        for _ in 0..<300 {
            let built = BM25.Statistics(documentCount: 100, averageTitleLength: Double(1 + random.next() % 20),
                                        averageAbstractLength: Double(5 + random.next() % 300))
            let searched = BM25.Statistics(documentCount: 100, averageTitleLength: Double(1 + random.next() % 20),
                                           averageAbstractLength: Double(5 + random.next() % 300))
            let then = BM25.Scorer(parameters: parameters, statistics: built), now = BM25.Scorer(parameters: parameters, statistics: searched)
            let scale = ScoringContext.boundScale(built: built, searched: searched)
            for _ in 0..<50 {
                let title = UInt32(random.next() % 4), abstract = UInt32(random.next() % 9)
                guard title + abstract > 0 else { continue }
                let titleLength = UInt32(random.next() % 40) + title, abstractLength = UInt32(random.next() % 3000) + abstract
                let stored = Float(then.saturation(titleFrequency: title, abstractFrequency: abstract, titleLength: titleLength, abstractLength: abstractLength))
                let s = Double(stored)
                let converted = scale * s / (1 - s + scale * s)
                let actual = now.saturation(titleFrequency: title, abstractFrequency: abstract, titleLength: titleLength, abstractLength: abstractLength)
                #expect(converted * ScoringContext.boundSlack >= actual, "tf \(title)/\(abstract), lengths \(titleLength)/\(abstractLength)")
            }
        }
    }

    /// A segment of short abstracts, then one of long ones: the first segment's stored maxima are far too
    /// low for the commit's averages unless converted. Pruned results equal exhaustive ones and a rebuild's.
    @Test func prunedEqualsExhaustiveAcrossSegmentsOfOtherStatistics() throws {
        let scratch = ScratchDirectory()
        var random = SplitMix64(seed: 8)
        func paper(_ id: Int, words: Int, alpha: Int) -> Paper {
            var abstract = (0..<words).map { _ in ["beta", "gamma", "delta", "epsilon", "zeta"][Int(random.next() % 5)] }
            for _ in 0..<alpha { abstract.insert("alpha", at: Int(random.next() % UInt64(abstract.count + 1))) }
            return Paper(id: "d\(id)", title: "t\(id % 7)", abstract: abstract.joined(separator: " "))
        }
        let short = (0..<300).map { paper($0, words: 3 + Int(random.next() % 5), alpha: Int(random.next() % 3)) }
        let long = (300..<600).map { paper($0, words: 200 + Int(random.next() % 200), alpha: Int(random.next() % 2)) }
        var options = IndexWriter.Options()
        options.mergePolicy = .never
        for batch in [short, long] {
            let writer = try IndexWriter(directory: scratch.path + "/living", options: options)
            for paper in batch { try writer.add(paper) }
            _ = try writer.commit()
        }
        _ = try IndexFixtures.build(short + long, in: scratch.path + "/rebuilt")
        let living = try SearchIndex.open(at: scratch.path + "/living")
        #expect(living.segments.count == 2)
        let searcher = try Searcher(index: living)
        for query in ["alpha", "alpha beta", "alpha gamma delta", "t3 alpha", "+alpha +beta", "alpha -zeta"] {
            let pruned = try searcher.search(query, options: SearchOptions(limit: 10, snippets: false))
            let exhaustive = try searcher.search(query, options: SearchOptions(limit: 10, snippets: false, exhaustive: true))
            #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "'\(query)'")
        }
        try LivingIndexTests.expectSameAnswers(living, try SearchIndex.open(at: scratch.path + "/rebuilt"),
                                               queries: ["alpha", "alpha beta", "alpha gamma delta", "t3 alpha"], context: "short then long")
    }
}

/// A sync after random edits of corpus files answers as a fresh build of the files does.
@Suite("Sync against a rebuild")
struct SyncTests {
    /// A JSON Lines record.
    static func line(_ paper: Paper) -> String {
        var writer = JSONWriter()
        writer.write(.object(JSONObject([("id", .string(paper.id)), ("title", .string(paper.title)),
                                         ("authors", .array(paper.authors.map { .string($0) })),
                                         ("abstract", .string(paper.abstract))])))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func randomFileEditsSyncAsARebuild() throws {
        let scratch = ScratchDirectory()
        let corpus = scratch.path + "/corpus"
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        let pool = IndexFixtures.randomPapers(count: 600, seed: 31)
        let revisions = IndexFixtures.randomPapers(count: 600, seed: 32)
        var random = SplitMix64(seed: 33)
        // Four files of lines; some ids appear in two files (merged, as a build merges them).
        var files: [[String]] = [[], [], [], []]
        var next = 0
        for file in 0..<3 {
            for _ in 0..<60 {
                files[file].append(Self.line(pool[next]))
                next += 1
            }
        }
        files[2].append(Self.line(pool[3]))  // p3 again, in another file
        func write() throws {
            for (number, lines) in files.enumerated() {
                let path = corpus + "/f\(number).jsonl"
                if lines.isEmpty { try? FileManager.default.removeItem(atPath: path); continue }
                try SystemCalls.writeFile(path, Array((lines.joined(separator: "\n") + "\n").utf8))
            }
        }
        try write()
        let living = scratch.path + "/living", rebuilt = scratch.path + "/rebuilt"
        _ = try IndexBuilder.build(corpus: [corpus], into: living, threads: 2)
        for round in 0..<6 {
            // Edits: append lines, change lines, delete lines, move a line to another file, a file appears or goes.
            let file = Int(random.next() % 4)
            for _ in 0..<5 where next < pool.count {
                files[file].append(Self.line(pool[next]))
                next += 1
            }
            for _ in 0..<3 {
                let target = Int(random.next() % 4)
                guard !files[target].isEmpty else { continue }
                let at = Int(random.next() % UInt64(files[target].count))
                let number = Int(random.next() % UInt64(revisions.count))
                var revised = revisions[number]
                revised.id = pool[Int(random.next() % UInt64(max(1, next)))].id
                files[target][at] = Self.line(revised)
            }
            let from = Int(random.next() % 4)
            if files[from].count > 2 {
                let moved = files[from].remove(at: Int(random.next() % UInt64(files[from].count)))
                files[(from + 1) % 4].append(moved)
                files[from].remove(at: 0)
            }
            if round == 3 { files[1] = [] }        // a file goes
            if round == 4 { files[1] = [Self.line(pool[1])] }  // and comes back
            try write()
            let result = try IndexSync.sync(index: living, threads: 2)
            #expect(result.filesUnchanged + result.filesRead == files.filter { !$0.isEmpty }.count, "round \(round)")
            _ = try IndexBuilder.build(corpus: [corpus], into: rebuilt, threads: 2)
            let index = try SearchIndex.open(at: living)
            try index.verify()
            // The same papers, record for record (merged duplicates included).
            let fresh = try SearchIndex.open(at: rebuilt)
            var livingPapers: [String: Paper] = [:], freshPapers: [String: Paper] = [:]
            for document in 0..<index.documentLimit where index.isLive(document) {
                let paper = try index.paper(at: document)
                livingPapers[paper.id] = paper
            }
            for document in 0..<fresh.documentLimit { let paper = try fresh.paper(at: document); freshPapers[paper.id] = paper }
            #expect(livingPapers == freshPapers, "round \(round)")
            let papers = Array(freshPapers.values)
            try LivingIndexTests.expectSameAnswers(index, fresh, queries: LivingIndexTests.queries(from: papers, seed: UInt64(round)),
                                                   context: "sync round \(round)")
        }
        // Nothing changed: nothing is read, no commit is made.
        let idle = try IndexSync.sync(index: living, threads: 2)
        #expect(idle.index == nil && idle.filesRead == 0)
    }

    @Test func aMissingRootIsAnErrorNotARemoval() throws {
        let scratch = ScratchDirectory()
        let corpus = scratch.path + "/corpus"
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try SystemCalls.writeFile(corpus + "/a.jsonl", Array((Self.line(Paper(id: "a", title: "Alpha", abstract: "beta")) + "\n").utf8))
        _ = try IndexBuilder.build(corpus: [corpus], into: scratch.path + "/idx")
        try FileManager.default.moveItem(atPath: corpus, toPath: scratch.path + "/elsewhere")
        #expect(throws: IndexSync.Refusal.self) { _ = try IndexSync.sync(index: scratch.path + "/idx") }
        #expect(try SearchIndex.open(at: scratch.path + "/idx").documentCount == 1)
    }
}
