/// The hot parts of query processing, run in isolation for the micro-benchmarks of the benchmarks executable
/// (which times them; each returns a checksum so the work cannot be optimised away).
package enum HotPaths {
    /// Terms of the index for the other benchmarks: the `count` text terms with the longest postings, and a
    /// sample of every text term (every `stride`-th in dictionary order).
    package struct TermSample: Sendable {
        package var longest: [[UInt8]]
        package var sample: [[UInt8]]
        package var postingsOfLongest: Int
    }

    package static func termSample(_ index: SearchIndex, longest count: Int, sample size: Int) throws(IndexError) -> TermSample {
        var all: [([UInt8], Int)] = []
        // The largest segment's terms (an index built in one go has one segment).
        guard let largest = index.segments.max(by: { $0.segment.documentCount < $1.segment.documentCount }) else {
            return TermSample(longest: [], sample: [], postingsOfLongest: 0)
        }
        try largest.segment.terms.forEachTerm { (bytes: [UInt8], info: TermInfo) throws(IndexError) in
            if bytes.first == FieldNamespace.text.rawValue { all.append((Array(bytes.dropFirst()), info.documentFrequency)) }
        }
        let stride = max(1, all.count / max(1, size))
        let sample = Swift.stride(from: 0, to: all.count, by: stride).map { all[$0].0 }
        let longest = all.sorted { $0.1 > $1.1 }.prefix(count)
        return TermSample(longest: longest.map(\.0), sample: sample, postingsOfLongest: longest.reduce(0) { $0 + $1.1 })
    }

    /// Walks every posting of `terms` (documents and both frequencies) in every segment: the block decoding path.
    package static func decodePostings(_ index: SearchIndex, terms: [[UInt8]]) throws(IndexError) -> Int {
        var checksum = 0
        for term in terms {
            guard let indexed = try index.lookup(.text, term) else { continue }
            for (live, info) in zip(index.segments, indexed.infos) where info != nil {
                var cursor = live.segment.cursor(info)
                while cursor.document != PostingsCursor.exhausted {
                    checksum &+= Int(cursor.document) &+ Int(cursor.titleFrequency) &+ Int(cursor.abstractFrequency)
                    cursor.next()
                }
            }
        }
        return checksum
    }

    /// Looks every term of `terms` up in the dictionary, and a misspelt form of each (a miss).
    package static func lookUpTerms(_ index: SearchIndex, terms: [[UInt8]]) throws(IndexError) -> Int {
        var found = 0
        for term in terms {
            if try index.lookup(.text, term) != nil { found += 1 }
            if try index.lookup(.text, term + [0x71]) != nil { found += 1 }
        }
        return found
    }

    /// The text terms within `distance` edits of `word` sharing its first `sharedPrefix` bytes (the walk a
    /// fuzzy word makes in every segment): how many there are and how many dictionary terms the walks read.
    package static func nearTerms(_ index: SearchIndex, word: [UInt8], distance: Int, sharedPrefix: Int) throws(IndexError) -> (found: Int, read: Int) {
        var read = 0
        let found = try index.terms(near: word, in: .text, distance: distance, sharedPrefix: sharedPrefix, budget: .max, termsRead: &read)
        return (found?.count ?? 0, read)
    }

    /// The terms a search's correction of `word` (as typed) would search: the walks holding its first letter
    /// and its second, with the word read as a stem and an ending, checked by the stemmer, and the stems of the
    /// one-edit spellings (`PlanBuilder.nearTerms`); how many, and how many dictionary terms the walks read.
    /// `unheld`: instead, the walk a correction adds when those find no common term, two edits or more and no
    /// letter held, bounded by `Query.unheldWalkLimit` (`found` 0 past it).
    /// nil for a word no search corrects.
    package static func correctionTerms(_ index: SearchIndex, word: String, unheld: Bool = false) throws(IndexError) -> (found: Int, read: Int)? {
        let builder = PlanBuilder(index: index, parameters: .default)
        guard let correctable = builder.correctable(word, asTyped: true) else { return nil }
        do throws(PlanBuilder.Failure) {
            if unheld {
                let walk = try builder.unheldNearTerms(word, stem: correctable.stem, typed: correctable.typed, in: .text,
                                                       edits: correctable.automaticEdits)
                return (walk.terms?.count ?? 0, walk.read)
            }
            var budget = Int.max
            let found = try builder.nearTerms(word, stem: correctable.stem, typed: correctable.typed, in: .text, edits: correctable.automaticEdits,
                                              sharedPrefix: 1, budget: &budget)
            return (found?.count ?? 0, Int.max - budget)
        } catch {
            guard case let .index(damage) = error else { return nil }
            throw damage
        }
    }

    /// Offers `count` pseudo-random scores to a top-`capacity` heap.
    package static func topK(count: Int, capacity: Int) -> Int {
        var heap = TopK(capacity: capacity)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for document in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            heap.insert(UInt32(truncatingIfNeeded: document), score: Double(state >> 11) / Double(1 << 53))
        }
        return heap.sorted().count
    }
}
