import Testing
@testable import PaperSearch

/// Phrases against a brute-force oracle over the stored text: the oracle splits the generated titles and
/// abstracts itself (white space, hyphens), stems each word alone, and matches phrases slot by slot, so it
/// shares no code with the tokenizer's positions, the index or the phrase matcher.
///
/// The semantics it encodes (the README's): a phrase's words stand at consecutive positions of one field; a
/// stop word is a gap any word fills; a hyphenated compound of a paper stands at one position under each of
/// its spellings (each part and the joined form); a compound of the phrase matches the joined form at one
/// position, or its parts as consecutive words.
@Suite("Phrases against a brute-force oracle")
struct PhraseOracleTests {
    static let vocabulary = ["model", "models", "modeling", "train", "training", "trained", "data", "network", "networks",
                             "learning", "deep", "graph", "graphs", "vision", "language", "large", "small", "attention",
                             "pretraining", "finetuning", "supervised", "tuning", "head", "art", "state", "end", "fine", "pre"]
    static let stopWords = ["of", "the", "a", "in", "and", "to", "for", "with"]
    static let compounds = ["pre-training", "fine-tuning", "state-of-the-art", "self-supervised", "multi-head", "end-to-end",
                            "pre-trained", "co-training", "large-scale"]
    static let stop = Set(StopWords.lucene.words)

    /// A random stretch of text of `count` words.
    static func words(_ count: Int, _ random: inout SplitMix64) -> [String] {
        (0..<count).map { _ in
            switch random.next() % 10 {
            case 0, 1: return compounds[Int(random.next() % UInt64(compounds.count))]
            case 2, 3: return stopWords[Int(random.next() % UInt64(stopWords.count))]
            default: return vocabulary[Int(random.next() % UInt64(vocabulary.count))]
            }
        }
    }

    static func papers(_ random: inout SplitMix64) -> [Paper] {
        (0..<400).map { index in
            let title = words(3 + Int(random.next() % 6), &random).joined(separator: " ")
            let abstract = words(15 + Int(random.next() % 40), &random).joined(separator: " ")
            return Paper(id: "p\(index)", title: title, abstract: abstract)
        }
    }

    // MARK: - The oracle

    /// The term a word is indexed as (stemmed alone), or nil for a stop word.
    static func term(_ word: String) -> String? {
        stop.contains(word) ? nil : EnglishStemmer.stem(word)
    }

    /// A field as positions, each holding the terms a paper has there.
    static func slots(_ text: String) -> [Set<String>] {
        text.split(separator: " ").map { word in
            let parts = word.split(separator: "-").map(String.init)
            var terms = Set(parts.compactMap(term))
            if parts.count > 1 { terms.insert(EnglishStemmer.stem(parts.joined())) }
            return terms
        }
    }

    /// The phrase's readings: per position a term, or nil for a gap.
    static func readings(_ phrase: [String]) -> [[String?]] {
        var readings: [[String?]] = [[]]
        for word in phrase {
            let parts = word.split(separator: "-").map(String.init)
            if parts.count == 1 {
                readings = readings.map { $0 + [term(word)] }
            } else {
                let joined = EnglishStemmer.stem(parts.joined())
                readings = readings.flatMap { [$0 + [joined], $0 + parts.map(term)] }
            }
        }
        // Gaps at either end constrain nothing.
        return readings.map { reading in
            var reading = reading[...]
            while reading.first == .some(nil) { reading = reading.dropFirst() }
            while reading.last == .some(nil) { reading = reading.dropLast() }
            return Array(reading)
        }
    }

    static func matches(_ fieldSlots: [Set<String>], _ reading: [String?]) -> Bool {
        guard !reading.isEmpty, reading.count <= fieldSlots.count else { return false }
        for start in 0...(fieldSlots.count - reading.count) {
            if reading.indices.allSatisfy({ reading[$0] == nil || fieldSlots[start + $0].contains(reading[$0]!) }) { return true }
        }
        return false
    }

    /// The papers (id, title slots, abstract slots) where a phrase matches.
    static func oracle(_ phrase: [String], _ fields: [(id: String, title: [Set<String>], abstract: [Set<String>])]) -> Set<String> {
        let readings = readings(phrase)
        return Set(fields.filter { paper in
            readings.contains { matches(paper.title, $0) || matches(paper.abstract, $0) }
        }.map(\.id))
    }

    // MARK: - The test

    @Test func randomPhrasesMatchExactlyThePapersTheOracleFinds() throws {
        var random = SplitMix64(seed: 41)
        let papers = Self.papers(&random)
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        var phrases: [[String]] = []
        for _ in 0..<300 {
            let paper = papers[Int(random.next() % UInt64(papers.count))]
            let title = paper.title.split(separator: " ").map(String.init), abstract = paper.abstract.split(separator: " ").map(String.init)
            switch random.next() % 4 {
            case 0:  // from an abstract
                let length = 2 + Int(random.next() % 4), start = Int(random.next() % UInt64(max(1, abstract.count - length)))
                phrases.append(Array(abstract[start..<min(abstract.count, start + length)]))
            case 1:  // from a title
                let length = 2 + Int(random.next() % 3), start = Int(random.next() % UInt64(max(1, title.count - length)))
                phrases.append(Array(title[start..<min(title.count, start + length)]))
            case 2:  // across the end of the title and the start of the abstract
                phrases.append(Array(title.suffix(2)) + Array(abstract.prefix(2)))
            default:  // random words, repeated words among them
                var words = Self.words(2 + Int(random.next() % 3), &random)
                if random.next() % 3 == 0 { words.append(words[0]) }
                phrases.append(words)
            }
        }
        let fields = papers.map { (id: $0.id, title: Self.slots($0.title), abstract: Self.slots($0.abstract)) }
        var checked = 0, nonEmpty = 0, inFields = 0
        for phrase in phrases {
            let readings = Self.readings(phrase)
            guard readings.contains(where: { $0.contains { $0 != nil } }) else { continue }  // only stop words
            let expected = Self.oracle(phrase, fields)
            let results = try searcher.search("\"" + phrase.joined(separator: " ") + "\"",
                                              options: SearchOptions(limit: papers.count, snippets: false, records: false))
            let found = Set(results.hits.map { results.hits.isEmpty ? "" : papers[$0.document].id })
            #expect(found == expected, "\"\(phrase.joined(separator: " "))\": index \(found.subtracting(expected).sorted()) extra, \(expected.subtracting(found).sorted()) missing")
            #expect(results.totalHits == expected.count)
            checked += 1
            if !expected.isEmpty { nonEmpty += 1 }
            // The same phrase in one field: only the papers where it stands in that field.
            for (field, expectedThere) in [
                ("title", Set(fields.filter { paper in readings.contains { Self.matches(paper.title, $0) } }.map(\.id))),
                ("abstract", Set(fields.filter { paper in readings.contains { Self.matches(paper.abstract, $0) } }.map(\.id))),
            ] {
                let inField = try searcher.search("\(field):\"" + phrase.joined(separator: " ") + "\"",
                                                  options: SearchOptions(limit: papers.count, snippets: false, records: false))
                let foundThere = Set(inField.hits.map { papers[$0.document].id })
                #expect(foundThere == expectedThere, "\(field):\"\(phrase.joined(separator: " "))\": index \(foundThere.subtracting(expectedThere).sorted()) extra, \(expectedThere.subtracting(foundThere).sorted()) missing")
                if !expectedThere.isEmpty { inFields += 1 }
            }
        }
        #expect(checked > 250 && nonEmpty > 150, "\(checked) phrases checked, \(nonEmpty) with matches")
        #expect(inFields > 150, "\(inFields) phrases found in one field")
    }

    /// A phrase in a union is checked in two phases (its positions read only where no other clause matches):
    /// `"phrase" OR word` and `"phrase" OR "phrase"` match exactly the oracle's union.
    @Test func phrasesInUnionsMatchTheOraclesUnion() throws {
        var random = SplitMix64(seed: 43)
        let papers = Self.papers(&random)
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        let fields = papers.map { (id: $0.id, title: Self.slots($0.title), abstract: Self.slots($0.abstract)) }
        func phrase() -> [String] {
            let abstract = papers[Int(random.next() % UInt64(papers.count))].abstract.split(separator: " ").map(String.init)
            let length = 2 + Int(random.next() % 3), start = Int(random.next() % UInt64(max(1, abstract.count - length)))
            return Array(abstract[start..<min(abstract.count, start + length)])
        }
        var checked = 0
        for n in 0..<120 {
            let first = phrase()
            guard Self.readings(first).contains(where: { $0.contains { $0 != nil } }) else { continue }
            var expected = Self.oracle(first, fields)
            var query = "\"" + first.joined(separator: " ") + "\" OR "
            if n % 2 == 0 {
                let word = Self.vocabulary[Int(random.next() % UInt64(Self.vocabulary.count))]
                let term = try #require(Self.term(word))
                expected.formUnion(fields.filter { ($0.title + $0.abstract).contains { $0.contains(term) } }.map(\.id))
                query += word
            } else {
                let second = phrase()
                guard Self.readings(second).contains(where: { $0.contains { $0 != nil } }) else { continue }
                expected.formUnion(Self.oracle(second, fields))
                query += "\"" + second.joined(separator: " ") + "\""
            }
            var options = SearchOptions(limit: papers.count, snippets: false, records: false)
            options.corrections = false
            let results = try searcher.search(query, options: options)
            #expect(Set(results.hits.map { papers[$0.document].id }) == expected, "\(query)")
            checked += 1
        }
        #expect(checked > 100)
    }

    /// The issue's own example: a quoted compound finds its spellings and nothing else.
    @Test func aQuotedCompoundFindsItsSpellingsOnly() throws {
        let papers = [
            Paper(id: "hyphen", title: "Pre-training at scale", abstract: ""),
            Paper(id: "joined", title: "Pretraining at scale", abstract: ""),
            Paper(id: "spaced", title: "Pre training at scale", abstract: ""),
            Paper(id: "training", title: "Training at scale", abstract: "We study training."),
            Paper(id: "pre", title: "Pre and post", abstract: "training comes after pre"),
        ]
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let hits = try Searcher(index: index).search("\"pre-training\"", options: SearchOptions(limit: 10, snippets: false)).hits
        #expect(Set(hits.map(\.id)) == ["hyphen", "joined", "spaced"])
    }
}
