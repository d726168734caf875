/// The terms of a dictionary within a few edits of a word (Damerau-Levenshtein distance in its restricted
/// form: a byte inserted, deleted or replaced, or two neighbours swapped, counts one edit; no substring is
/// edited twice), found without reading every term.
///
/// The dictionary is sorted, so terms sharing a prefix come together. The walk keeps one row of the edit
/// distance table per byte of the current term (row `i`: the distances between the term's first `i` bytes
/// and every prefix of the word); consecutive terms share their rows up to their common prefix. When every
/// entry of a row exceeds the allowed distance and every entry of the row before reaches it (a swap reaches
/// back two rows), no term with that prefix can come within it, and the walk jumps past all of them: to the first term after the prefix, found by the block index like a lookup. So
/// the terms read are about those whose prefixes stay within reach, not the whole dictionary.
///
/// Keys carry their namespace byte first; only keys of the word's namespace are compared, without that byte.
struct FuzzyTermWalk {
    struct Match {
        var key: [UInt8]
        var info: TermInfo
        var distance: Int
    }

    /// Why a walk stopped early: it read more terms than it was allowed.
    struct BudgetExceeded: Error {}

    let namespace: UInt8
    let word: [UInt8]
    let maximumDistance: Int
    /// How many of the word's first bytes a term must share (0: none). A typo rarely falls on the first
    /// letter, and holding it cuts the walk about thirtyfold (Lucene's FuzzyQuery has the same knob).
    var sharedPrefix = 0

    /// Every match, in key order. Reading more than `budget` terms throws `BudgetExceeded`; `termsRead` says
    /// how many were read.
    func matches(in dictionary: TermDictionary, budget: Int, termsRead: inout Int) throws(IndexError) -> Result<[Match], BudgetExceeded> {
        let width = word.count + 1
        // rows[i * width + j]: distance between the term's first i bytes (after the namespace) and word[0..<j].
        var rows = Array(0...word.count)
        var rowsDepth = 0  // rows hold depths 0...rowsDepth of `previous`
        var previous: [UInt8] = [namespace]
        var found: [Match] = []
        let required = [namespace] + word.prefix(sharedPrefix)
        var seekKey = required
        guard dictionary.blockCount > 0 else { return .success([]) }
        var block = try dictionary.block(for: seekKey) ?? 0
        var reader = try dictionary.reader(ofBlock: block)

        walk: while true {
            guard try reader.nextTerm() else {
                block += 1
                guard block < dictionary.blockCount else { break walk }
                reader = try dictionary.reader(ofBlock: block)
                continue
            }
            let term = reader.term
            // Terms before the place the walk jumped to are stepped over without a look.
            if term.lexicographicallyPrecedes(seekKey) {
                try reader.skipInfo()
                continue
            }
            guard term.starts(with: required) else { break walk }
            termsRead += 1
            if termsRead > budget { return .failure(BudgetExceeded()) }
            // Reuse the rows of the common prefix with the previous term (index 0 is the namespace byte).
            var depth = 1
            let limit = min(term.count, previous.count, rowsDepth + 1)
            while depth < limit && term[depth] == previous[depth] { depth += 1 }
            var rowsKept = depth - 1
            var dead = false
            while rowsKept < term.count - 1 {
                let byte = term[rowsKept + 1]
                let from = rowsKept * width, to = from + width
                if rows.count < to + width { rows.append(contentsOf: repeatElement(0, count: to + width - rows.count)) }
                rows[to] = rowsKept + 1
                var smallest = rows[to]
                // Whether the row before this one reaches the limit everywhere.
                var beforeAtLimit = true
                for j in 1..<width {
                    let replace = rows[from + j - 1] + (word[j - 1] == byte ? 0 : 1)
                    var value = min(replace, rows[from + j] + 1, rows[to + j - 1] + 1)
                    // Two neighbours swapped: this byte and the one before are the word's j-1 and j-2.
                    if j > 1 && rowsKept > 0 && word[j - 2] == byte && word[j - 1] == term[rowsKept] {
                        value = min(value, rows[from - width + j - 2] + 1)
                    }
                    rows[to + j] = value
                    smallest = min(smallest, value)
                    if rows[from + j] < maximumDistance { beforeAtLimit = false }
                }
                if rows[from] < maximumDistance { beforeAtLimit = false }
                rowsKept += 1
                if smallest > maximumDistance && beforeAtLimit {
                    dead = true
                    break
                }
            }
            previous = term
            rowsDepth = rowsKept
            guard dead else {
                let distance = rows[rowsKept * width + word.count]
                if distance <= maximumDistance {
                    found.append(Match(key: term, info: try reader.info(), distance: distance))
                } else {
                    try reader.skipInfo()
                }
                continue
            }
            try reader.skipInfo()
            // No term starting with term[0...rowsKept] can match: jump to the first one after them all.
            guard let next = FuzzyTermWalk.successor(of: Array(term[0...rowsKept])), next.starts(with: required) else { break walk }
            seekKey = next
            if let target = try dictionary.block(for: next), target > block {
                block = target
                reader = try dictionary.reader(ofBlock: block)
            }
        }
        return .success(found)
    }

    /// The smallest key greater than every key starting with `prefix`, or nil when there is none.
    static func successor(of prefix: [UInt8]) -> [UInt8]? {
        var key = prefix
        while let last = key.last {
            if last < 0xFF {
                key[key.count - 1] = last + 1
                return key
            }
            key.removeLast()
        }
        return nil
    }
}
