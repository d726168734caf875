import Testing
@testable import PaperSearch

@Suite("Terms within a few edits")
struct FuzzyTermWalkTests {
    /// The textbook edit distance with swaps of neighbours (optimal string alignment), the oracle.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                table[i][j] = min(table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), table[i - 1][j] + 1, table[i][j - 1] + 1)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
            }
        }
        return table[a.count][b.count]
    }

    @Test func theWalkFindsExactlyTheTermsABruteForceComparisonFinds() throws {
        for index in [try SearchFixtures.synthetic().index, try SearchFixtures.bundled(), try SearchFixtures.arxiv().index] {
            var words: [FieldNamespace: [[UInt8]]] = [:]
            try index.terms.forEachTerm { (term: [UInt8], _: TermInfo) throws(IndexError) in
                if let namespace = FieldNamespace(rawValue: term[0]) { words[namespace, default: []].append(Array(term.dropFirst())) }
            }
            let text = try #require(words[.text])
            #expect(text.count > 300)
            var random = SplitMix64(seed: 17)
            // Words of the index, the same with one or two random edits, prefixes, and bytes the index never holds.
            var targets: [[UInt8]] = [[], [0x61], Array("transformer".utf8), Array("tranformer".utf8), Array("netwrok".utf8),
                                      Array("ab".utf8), Array("ba".utf8), [0xFF, 0x00, 0x7A]]
            // (Fewer on the larger dictionary: the brute force compares every term.)
            for _ in 0..<(text.count > 20_000 ? 10 : 60) {
                var word = text[random.below(text.count)]
                for _ in 0..<random.below(3) {
                    let at = random.below(word.count + 1)
                    switch random.below(4) {
                    case 0: word.insert(UInt8(0x61 + random.below(26)), at: at)
                    case 1: if at < word.count { word.remove(at: at) }
                    case 2: if at + 1 < word.count { word.swapAt(at, at + 1) }
                    default: if at < word.count { word[at] = UInt8(0x61 + random.below(26)) }
                    }
                }
                targets.append(word)
            }
            for namespace in [FieldNamespace.text, .author] {
                let all = words[namespace] ?? []
                for target in targets {
                    let distances = all.map { Self.distance($0, target) }
                    for maximum in 0...2 {
                        let expected = zip(all, distances).filter { $0.1 <= maximum }.map(\.0)
                        var read = 0
                        let walk = FuzzyTermWalk(namespace: namespace.rawValue, word: target, maximumDistance: maximum)
                        guard case let .success(found) = try walk.matches(in: index.terms, budget: .max, termsRead: &read) else {
                            Issue.record("no budget to exceed")
                            continue
                        }
                        #expect(found.map { Array($0.key.dropFirst()) } == expected, "\(String(decoding: target, as: UTF8.self)) ~\(maximum)")
                        #expect(found.allSatisfy { $0.distance == Self.distance(Array($0.key.dropFirst()), target) })
                        #expect(try found.allSatisfy { try index.terms.lookup($0.key) == $0.info })
                        // Holding the first letter: the same, less the terms that start otherwise.
                        if maximum > 0, let first = target.first {
                            var held = FuzzyTermWalk(namespace: namespace.rawValue, word: target, maximumDistance: maximum)
                            held.sharedPrefix = 1
                            var heldRead = 0
                            if case let .success(heldFound) = try held.matches(in: index.terms, budget: .max, termsRead: &heldRead) {
                                #expect(heldFound.map { Array($0.key.dropFirst()) } == expected.filter { $0.first == first })
                                #expect(heldRead <= read)
                            } else {
                                Issue.record("no budget to exceed")
                            }
                        }
                        // Not a scan of every term: in a dictionary of real words, a word of five letters or more
                        // reads a small part of them.
                        if all.count > 20_000 && target.count >= 5 && maximum == 1 { #expect(read < all.count / 10, "read \(read) of \(all.count)") }
                    }
                }
            }
        }
    }

    @Test func aWalkReadingEndingsFindsExactlyTheTermsABruteForceComparisonFinds() throws {
        // A term matches when its distance to some first part of the word, plus what the rest costs as an
        // ending, is within reach; the distance reported is the least such sum.
        let index = try SearchFixtures.bundled()
        var terms: [[UInt8]] = []
        try index.terms.forEachTerm { (term: [UInt8], _: TermInfo) throws(IndexError) in
            if term.first == FieldNamespace.text.rawValue { terms.append(Array(term.dropFirst())) }
        }
        var random = SplitMix64(seed: 23)
        var words = ["gendrtaion", "modells", "searchign", "transformers", "netwroks", "learnign"].map { Array($0.utf8) }
        for _ in 0..<40 {
            var word = terms[random.below(terms.count)] + StemEndings.endings[random.below(StemEndings.endings.count)]
            let at = random.below(word.count)
            word[at] = UInt8(0x61 + random.below(26))
            words.append(word)
        }
        for word in words {
            for maximum in 1...2 {
                let costs = StemEndings.costs(StemEndings.Distances(word), limit: maximum)
                func distance(_ term: [UInt8]) -> Int {
                    (0...word.count).map { Self.distance(term, Array(word.prefix($0))) + costs[$0] }.min() ?? .max
                }
                let expected = terms.filter { distance($0) <= maximum }
                var walk = FuzzyTermWalk(namespace: FieldNamespace.text.rawValue, word: word, maximumDistance: maximum)
                walk.endingCosts = costs
                var read = 0
                guard case let .success(found) = try walk.matches(in: index.terms, budget: .max, termsRead: &read) else {
                    Issue.record("no budget to exceed")
                    continue
                }
                #expect(found.map { Array($0.key.dropFirst()) } == expected, "\(String(decoding: word, as: UTF8.self)) ~\(maximum)")
                #expect(found.allSatisfy { $0.distance == distance(Array($0.key.dropFirst())) })
            }
        }
    }

    @Test func aWalkThatReadsTooManyTermsSaysSo() throws {
        let index = try SearchFixtures.bundled()
        var read = 0
        let walk = FuzzyTermWalk(namespace: FieldNamespace.text.rawValue, word: Array("ab".utf8), maximumDistance: 2)
        guard case .failure = try walk.matches(in: index.terms, budget: 10, termsRead: &read) else {
            Issue.record("a two-letter word within two edits matches more than ten terms")
            return
        }
        #expect(read == 11)
    }

    @Test func successorsOfPrefixes() {
        func successor(_ prefix: [UInt8]) -> [UInt8]? {
            var key = prefix
            return FuzzyTermWalk.advanceToSuccessor(&key) ? key : nil
        }
        #expect(successor([1, 0x61]) == [1, 0x62])
        #expect(successor([1, 0x61, 0xFF]) == [1, 0x62])
        #expect(successor([0xFF, 0xFF]) == nil)
    }
}
