import Foundation
import PaperSearch

/// `typos INDEX [--papers N] [--words N] [--seed N]`: what misspelt words cost and what correcting them gives.
///
/// The walk: `--words` text terms of the index of five letters or more, each with one random edit, searched
/// for with the automatic edits (`Query.automaticEdits`); p50 and p99 microseconds, terms read. Known items:
/// for `--papers` random papers, the first eight words of the title as plain words, and the same with one
/// or two random edits in one word of five letters or more; MRR@10 of the paper itself, both ways (one
/// thread, corrections on, as `papers search` runs).
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
    let misspellings = (0..<words).map { _ in misspelt(terms[random.below(terms.count)], edits: 1) }
    // As `word~` walks (no prefix held) and as a correction does (the first letter held).
    var walks: [(String, [Double], Int, Int)] = []
    for shared in [0, 1] {
        var times: [Double] = [], read = 0, found = 0
        for word in misspellings {
            var result = (found: 0, read: 0)
            times.append(seconds(try clock.measure {
                result = try HotPaths.nearTerms(index, word: word, distance: Query.automaticEdits(forLength: word.count), sharedPrefix: shared)
            }) * 1e6)
            read += result.read
            found += result.found
        }
        walks.append((shared == 0 ? "walk" : "correction_walk", times.sorted(), read, found))
    }

    // Known items.
    let searcher = try Searcher(index: index)
    var reciprocal = (plain: 0.0, typo: 0.0)
    var queries = 0
    let options = SearchOptions(limit: 10, snippets: false, records: false)
    while queries < option("--papers", default: 500) {
        let document = random.below(index.documentCount)
        let paper = try index.paper(at: document)
        let titleWords = paper.title.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).prefix(8).map { String($0).lowercased() }
        let candidates = titleWords.indices.filter { titleWords[$0].count >= 5 && titleWords[$0].allSatisfy { $0 >= "a" && $0 <= "z" } }
        guard titleWords.count >= 3, let slot = candidates.isEmpty ? nil : candidates[random.below(candidates.count)] else { continue }
        var typed = titleWords
        typed[slot] = String(decoding: misspelt(Array(typed[slot].utf8), edits: 1 + random.below(2)), as: UTF8.self)
        func rank(_ words: [String]) throws -> Double {
            let hits = try searcher.search(QueryParser.plainWords(words.joined(separator: " ")), options: options).hits
            return hits.firstIndex { $0.document == document }.map { 1 / Double($0 + 1) } ?? 0
        }
        reciprocal.plain += try rank(titleWords)
        reciprocal.typo += try rank(typed)
        queries += 1
    }
    var fields: [(String, JSONValue)] = [("benchmark", .string("typos")), ("index", .string(arguments[1])),
                                         ("papers", .integer(index.documentCount)), ("words", .integer(words))]
    for (name, times, read, found) in walks {
        fields += [("\(name)_p50_us", .double(times[times.count / 2])), ("\(name)_p99_us", .double(times[min(times.count - 1, times.count * 99 / 100)])),
                   ("\(name)_mean_terms_read", .double(Double(read) / Double(words))), ("\(name)_mean_found", .double(Double(found) / Double(words)))]
    }
    fields += [("known_item_queries", .integer(queries)), ("mrr10_without_typos", .double(reciprocal.plain / Double(queries))),
               ("mrr10_with_typos", .double(reciprocal.typo / Double(queries)))]
    emit(fields)
}
