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

    /// The endings spelt backwards (`Distances` compares them with the word's ends from its last byte).
    private static let reversedEndings = endings.map { Array($0.reversed()) }

    /// For the word of `ends` without its first `dropped` bytes, and each `j` in `0...word.count`, the fewest
    /// edits (a byte inserted, deleted or replaced, or two neighbours swapped) that turn `word[j...]` into one
    /// of the endings: 0 at `word.count` (no ending), and `limit + 1` where no ending comes within `limit` or
    /// the stem would be shorter than `shortestStem`. Read from the distances of the whole word's ends: the
    /// ends of the shorter word are ends of the whole word.
    static func costs(_ ends: Distances, droppingFirst dropped: Int = 0, limit: Int) -> [Int] {
        let count = ends.wordCount - dropped
        var costs = [Int](repeating: limit + 1, count: count + 1)
        costs[count] = 0
        for ending in endings.indices {
            for start in stride(from: shortestStem, to: count, by: 1) {
                costs[start] = min(costs[start], ends[ending, start + dropped])
            }
        }
        return costs
    }

    /// The distance between each ending and each end of a word, `word[start...]`.
    ///
    /// One table per ending, of it and the word both spelt backwards: its last row holds the distances
    /// between the ending and every end of the word at once (the distance is the same read backwards).
    struct Distances {
        private let width: Int
        private var rows: [Int] = []
        /// The length of the word.
        var wordCount: Int { width - 1 }

        init(_ word: [UInt8]) {
            width = word.count + 1
            let backwards = Array(word.reversed())
            var table: [Int] = []
            rows.reserveCapacity(endings.count * width)
            for ending in reversedEndings {
                let row = EditDistance.fill(&table, ending, backwards)
                rows += table[row..<(row + width)]
            }
        }

        /// The distance between `endings[ending]` and `word[start...]`.
        subscript(ending: Int, start: Int) -> Int {
            // Entry k of an ending's row: against the word's last k bytes.
            rows[ending * width + width - 1 - start]
        }
    }
}
