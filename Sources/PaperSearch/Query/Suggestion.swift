/// "Did you mean": for a query that found fewer than `fewHits` papers or had a word corrected, the same text
/// with each rare word that looks misspelt replaced by the spelling far more papers use.
///
/// A word is a candidate when it stands bare in the query (letters only, perhaps after a '+': no field,
/// exclusion or quote), has `Query.correctedLength` letters or more, and at most `Query.rareFrequency` papers
/// hold it (and do not define it as an acronym). Its replacement is the nearest term
/// (as a correction finds them: within `Query.automaticEdits` keeping the first letter, or the stem of a
/// spelling one edit from the word as typed) that at least `Query.rareFactor` times as many papers hold,
/// the most frequent of the nearest; it is shown as papers write it (the first form of the stem in the first
/// paper holding it), since the index keeps only stems.
enum Suggestion {
    /// Fewer matches than this get a suggestion looked for.
    static let fewHits = 3

    /// `known`: the near terms the search's corrections already found, by word as typed.
    static func make(for text: String, index: SearchIndex, parameters: BM25Parameters,
                     known: [String: [([UInt8], IndexedTerm, Int)]] = [:]) throws(IndexError) -> String? {
        let builder = PlanBuilder(index: index, parameters: parameters)
        var changed = false
        var words: [String] = []
        for token in text.split(separator: " ", omittingEmptySubsequences: false) {
            // A required word keeps its '+'.
            let required = token.hasPrefix("+")
            if let better = try betterSpelling(of: String(required ? token.dropFirst() : token[...]), builder: builder, index: index,
                                               known: known) {
                words.append((required ? "+" : "") + better)
                changed = true
            } else {
                words.append(String(token))
            }
        }
        return changed ? words.joined(separator: " ") : nil
    }

    private static func betterSpelling(of word: String, builder: PlanBuilder, index: SearchIndex,
                                       known: [String: [([UInt8], IndexedTerm, Int)]]) throws(IndexError) -> String? {
        guard !word.isEmpty, word.allSatisfy(\.isLetter), let correctable = builder.correctable(word, asTyped: true) else { return nil }
        let stem = correctable.stem
        let key = [FieldNamespace.text.rawValue] + stem
        let frequency = try index.lookup(.text, stem)?.documentFrequency ?? 0
        guard frequency <= Query.rareFrequency else { return nil }
        if frequency > 0, try index.definesAcronym(stem) { return nil }
        var budget = Query.prefixScanLimit
        let candidates: [([UInt8], IndexedTerm, Int)]
        do throws(PlanBuilder.Failure) {
            if let near = known[word] {
                candidates = near
            } else if let near = try builder.nearTerms(word, stem: stem, typed: correctable.typed, in: .text, edits: correctable.automaticEdits,
                                                       sharedPrefix: 1, budget: &budget) {
                candidates = near
            } else {
                // A walk past its budget leaves the one-edit spellings of the word as typed.
                candidates = try builder.stemsOfNearSpellings(word, besides: [key])
            }
        } catch {
            guard case let .index(damage) = error else { return nil }  // (only index damage is thrown)
            throw damage
        }
        let best = PlanBuilder.preferredOrder(candidates.filter { $0.0 != key && $0.1.documentFrequency >= max(Query.rareFactor, Query.rareFactor * (frequency + 1)) },
                                              stem: stem).first
        guard let (bestKey, indexed, _) = best else { return nil }
        return try writtenForm(of: Array(bestKey.dropFirst()), indexed, index: index)
    }

    /// The word as the first paper holding the stem writes it (lower case).
    private static func writtenForm(of stem: [UInt8], _ indexed: IndexedTerm, index: SearchIndex) throws(IndexError) -> String? {
        let text = String(decoding: stem, as: UTF8.self)
        for (s, info) in indexed.infos.enumerated() where info != nil {
            let live = index.segments[s]
            let cursor = live.segment.cursor(info)
            guard cursor.document != PostingsCursor.exhausted else { continue }
            let paper = try index.paper(at: Int(live.base) + Int(cursor.document))
            let written = paper.title + "\n" + paper.abstract
            // Where the stem first stands, found on the analyzer's allocation-free path (stopping there); then
            // the tokens of that word alone say how it is written. Should the word alone tokenize otherwise
            // than in its text, the whole text's tokens do.
            var scratch = AnalyzerScratch(stemCacheSlotBits: 1)
            var finder = FirstOccurrence()
            finder.stem = stem
            finder.firstBytes = StemFirstBytes(of: [stem])
            index.analyzer.analyze(written, scratch: &scratch, into: &finder)
            guard let range = finder.range else { continue }
            let word = String(decoding: Array(written.utf8)[range], as: UTF8.self)
            if let token = index.analyzer.tokens(word).first(where: { $0.indexedTerm == text })
                ?? index.analyzer.tokens(written).first(where: { $0.indexedTerm == text }) {
                return token.folded
            }
        }
        return text
    }

    /// The byte range of the first word of a text whose term is `stem`; the analysis stops there. Only words
    /// that can stem to it are stemmed (`firstBytes`).
    private struct FirstOccurrence: TermSink {
        var stem: [UInt8] = []
        var firstBytes = StemFirstBytes()
        var range: Range<Int>?

        var isFinished: Bool { range != nil }

        func needsStem(startingWith byte: UInt8, at position: Int) -> Bool { firstBytes.contains(byte) }

        mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
            guard range == nil, term.count == stem.count else { return }
            for index in term.indices where term[index] != stem[index] { return }
            range = start..<end
        }
    }
}
