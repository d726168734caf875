import Foundation
import PaperSearch

/// `typos INDEX [--papers N] [--words N] [--seed N] [--rounds N]`: what misspelt words cost and what correcting
/// them gives.
///
/// The walk: `--words` text terms of the index of five letters or more, each with one random edit, searched
/// for with the automatic edits (`Query.automaticEdits`) as `word~` walks (no letter held) and as a correction
/// walks (the first letter held), all a correction looks for (`HotPaths.correctionTerms`), and the walk it
/// adds when that finds no common term (two edits, no letter held, `Query.unheldWalkLimit`); p50 and p99
/// microseconds (of each word's median over `--rounds` rounds, 3 unless given), terms read. Known items:
/// for `--papers` random papers, three words of the title as plain words (around one of five letters or
/// more), and the same with one or two random edits in that word; MRR@10 of the paper itself, without typos,
/// with them as `papers search` runs (corrections on), and with them uncorrected (`--exact`). "Did you mean":
/// `--words` title words of five letters or more, each with one edit that makes a word no paper holds, searched
/// alone: how often a suggestion is made, and how often it is the word meant (precision@1).
func typosBenchmark() throws {
    guard arguments.count >= 2 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    var random = SplitMix64(seed: UInt64(option("--seed", default: 5)))
    func misspelt(_ word: [UInt8], edits: Int) -> [UInt8] {
        var word = word
        for _ in 0..<edits {
            let at = random.below(word.count)
            let letter = UInt8(0x61 + random.below(26))
            switch random.below(4) {
            case 0: word.insert(letter, at: at)
            case 1: if word.count > 1 { word.remove(at: at) }
            case 2: if at + 1 < word.count { word.swapAt(at, at + 1) } else { word[at] = letter }
            default: word[at] = letter
            }
        }
        return word
    }

    // The walk.
    let terms = try HotPaths.termSample(index, longest: 0, sample: 50_000).sample
        .filter { $0.count >= 5 && $0.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } }
    let words = option("--words", default: 500)
    let clock = ContinuousClock()
    let walkWords = (0..<words).map { _ in misspelt(terms[random.below(terms.count)], edits: 1) }
    // As `word~` walks (no prefix held), as a correction walks (the first letter held), all a correction
    // looks for (that walk and one holding the second letter, reading the word as a stem and an ending,
    // checked by the stemmer, and the stems of the word's one-edit spellings), and the walk it adds when
    // those find no common term (two edits, no letter held, bounded).
    // Each word's time is the median of `--rounds` rounds (the rounds run one after another over all the
    // words), so that a pause of the machine in one round does not make a word's time.
    let rounds = max(1, option("--rounds", default: 3))
    var walks: [(String, [Double], Int, Int)] = []
    for (name, shared) in [("walk", 0), ("correction_walk", 1), ("correction_search", -1), ("unheld_walk", -2)] {
        var times = [[Double]](repeating: [], count: walkWords.count), read = 0, found = 0
        for round in 0..<rounds {
            for (number, word) in walkWords.enumerated() {
                var result: (found: Int, read: Int)? = (0, 0)
                times[number].append(seconds(try clock.measure {
                    result = shared < 0 ? try HotPaths.correctionTerms(index, word: String(decoding: word, as: UTF8.self), unheld: shared == -2)
                        : try HotPaths.nearTerms(index, word: word, distance: Query.automaticEdits(forLength: word.count), sharedPrefix: shared)
                }) * 1e6)
                if round == 0 {
                    read += result?.read ?? 0
                    found += result?.found ?? 0
                }
            }
        }
        walks.append((name, times.map { $0.sorted()[$0.count / 2] }.sorted(), read, found))
    }

    // Known items.
    let searcher = try Searcher(index: index)
    var reciprocal = (plain: 0.0, typo: 0.0, uncorrected: 0.0)
    var queries = 0
    let options = SearchOptions(limit: 10, snippets: false, records: false)
    var exact = options
    exact.corrections = false
    while queries < option("--papers", default: 500) {
        let document = random.below(index.documentCount)
        let paper = try index.paper(at: document)
        let titleWords = paper.title.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).prefix(8).map { String($0).lowercased() }
        let candidates = titleWords.indices.filter { titleWords[$0].count >= 5 && titleWords[$0].allSatisfy { $0 >= "a" && $0 <= "z" } }
        guard titleWords.count >= 3, let slot = candidates.isEmpty ? nil : candidates[random.below(candidates.count)] else { continue }
        // Three title words around the one misspelt: few enough that the misspelt word matters.
        let window = Array(titleWords[max(0, min(slot - 1, titleWords.count - 3))...].prefix(3))
        let at = window.firstIndex(of: titleWords[slot]) ?? 0
        var typed = window
        typed[at] = String(decoding: misspelt(Array(typed[at].utf8), edits: 1 + random.below(2)), as: UTF8.self)
        func rank(_ words: [String], _ options: SearchOptions) throws -> Double {
            let hits = try searcher.search(QueryParser.plainWords(words.joined(separator: " ")), options: options).hits
            return hits.firstIndex { $0.document == document }.map { 1 / Double($0 + 1) } ?? 0
        }
        reciprocal.plain += try rank(window, options)
        reciprocal.typo += try rank(typed, options)
        reciprocal.uncorrected += try rank(typed, exact)
        queries += 1
    }
    // "Did you mean": a title word of five letters or more with one edit, that no paper holds, searched alone;
    // the suggestion is right when it analyses to the word's own term.
    var misspellings = 0, suggested = 0, rightSuggestions = 0
    let analyzer = Analyzer.english
    while misspellings < option("--words", default: 500) {
        let paper = try index.paper(at: random.below(index.documentCount))
        let titleWords = paper.title.split(whereSeparator: { !$0.isLetter }).map { String($0).lowercased() }
            .filter { $0.count >= 5 && $0.allSatisfy { $0 >= "a" && $0 <= "z" } }
        guard let word = titleWords.isEmpty ? nil : titleWords[random.below(titleWords.count)] else { continue }
        let typed = String(decoding: misspelt(Array(word.utf8), edits: 1), as: UTF8.self)
        guard analyzer.terms(typed) != analyzer.terms(word), try index.documentFrequency(ofWord: Array((analyzer.terms(typed).first ?? "").utf8)) == 0
        else { continue }
        misspellings += 1
        guard let suggestion = try searcher.search(typed, options: options).suggestion else { continue }
        suggested += 1
        if analyzer.terms(suggestion) == analyzer.terms(word) { rightSuggestions += 1 }
    }

    var fields: [(String, JSONValue)] = [("benchmark", .string("typos")), ("index", .string(arguments[1])),
                                         ("papers", .integer(index.documentCount)), ("words", .integer(words)),
                                         ("rounds", .integer(rounds)), ("unheld_walk_limit", .integer(Query.unheldWalkLimit))]
    for (name, times, read, found) in walks {
        fields += [("\(name)_p50_us", .double(times[times.count / 2])), ("\(name)_p99_us", .double(times[min(times.count - 1, times.count * 99 / 100)])),
                   ("\(name)_mean_terms_read", .double(Double(read) / Double(words))), ("\(name)_mean_found", .double(Double(found) / Double(words)))]
    }
    fields += [("known_item_queries", .integer(queries)), ("mrr10_without_typos", .double(reciprocal.plain / Double(queries))),
               ("mrr10_with_typos", .double(reciprocal.typo / Double(queries))),
               ("mrr10_with_typos_uncorrected", .double(reciprocal.uncorrected / Double(queries))),
               ("suggestion_misspellings", .integer(misspellings)), ("suggestion_made", .double(Double(suggested) / Double(misspellings))),
               ("suggestion_precision_at_1", .double(Double(rightSuggestions) / Double(max(1, suggested))))]
    emit(fields)
}
