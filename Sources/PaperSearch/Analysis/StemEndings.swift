/// Endings the English stemmer takes off words ("-ations", "-ing", "-ies"), and what reading the end of a word
/// as typed as one of them costs.
///
/// The index holds stems, and a misspelt word often stems to nothing near its own stem: "gendrtaion" keeps
/// its last letters, where "generation" loses "ion". A correction therefore compares the word as typed with
/// a stem followed by one of these endings (`FuzzyTermWalk.endingCosts`), and a slip inside the ending
/// counts like any other. The list errs towards more endings: one the stemmer does not remove only lets a
/// stem be compared with a little more of the word.
enum StemEndings {
    static let endings: [[UInt8]] = [
        "s", "es", "ies", "ed", "ied", "ing", "ings", "ly", "e", "y",
        "ion", "ions", "ation", "ations", "ational", "ative", "atives", "ator", "ators", "ate", "ates", "ated", "ating",
        "ization", "izations", "ize", "izes", "ized", "izing", "izer", "izers",
        "isation", "isations", "ise", "ises", "ised", "ising",
        "ment", "ments", "ement", "ements", "eement", "ness", "eness",
        "al", "als", "ally", "ical", "ically", "ic", "ics",
        "er", "ers", "ive", "ives", "ively", "iveness", "ivity",
        "ity", "ities", "ility", "ality", "able", "ably", "ible", "ability",
        "ance", "ances", "ence", "ences", "ant", "ants", "ent", "ents", "ency", "ancy",
        "ous", "ously", "ful", "fully", "fulness", "ism", "isms", "ist", "ists",
    ].map { Array($0.utf8) }

    /// A stem is at least this many bytes: shorter ones would let almost any word end in almost anything.
    static let shortestStem = 3

    /// For each `j` in `0...word.count`, the fewest edits (a byte inserted, deleted or replaced, or two
    /// neighbours swapped) that turn `word[j...]` into one of the endings: 0 at `word.count` (no ending),
    /// and `limit + 1` where no ending comes within `limit` or the stem would be shorter than `shortestStem`.
    static func costs(of word: [UInt8], limit: Int) -> [Int] {
        var costs = [Int](repeating: limit + 1, count: word.count + 1)
        costs[word.count] = 0
        let longest = endings.map(\.count).max() ?? 0
        for start in stride(from: shortestStem, to: word.count, by: 1) where word.count - start <= longest + limit {
            let tail = word[start...]
            for ending in endings where abs(ending.count - tail.count) <= limit {
                costs[start] = min(costs[start], EditDistance.between(ending, tail))
            }
        }
        return costs
    }
}
