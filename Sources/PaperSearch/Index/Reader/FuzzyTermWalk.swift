/// The terms of a dictionary within a few edits of a word (Damerau-Levenshtein distance in its restricted
/// form: a byte inserted, deleted or replaced, or two neighbours swapped, counts one edit; no substring is
/// edited twice), found without reading every term.
///
/// The dictionary is sorted, so terms sharing a prefix come together. The walk keeps one row of the edit
/// distance table per byte of the current term (row `i`: the distances between the term's first `i` bytes
/// and every prefix of the word); consecutive terms share their rows up to their common prefix. When every
/// entry of a row exceeds the allowed distance and every entry of the row before reaches it (a swap reaches
/// back two rows), no term with that prefix can come within it, and the walk jumps past all of them: to the
/// next sibling prefix that can still come within reach (`nextLiveByte`), or past the parent prefix when
/// none can, found by the block index like a lookup. So the terms read are about those whose prefixes stay
/// within reach, not the whole dictionary, and not one under each dead sibling either.
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
    /// Empty, or for each `j` in `0...word.count` what reading the word's bytes from `j` on as an ending
    /// costs (`StemEndings.costs`). A term's distance is then the least, over `j`, of its distance to
    /// `word[..<j]` plus that cost: the index holds stems, so a word as typed ("gendrtaion") is compared
    /// with a stem ("generat") followed by an ending the stemmer removes ("ion"). Pruning is unchanged (every
    /// cost is at least 0), so the terms read are the same.
    var endingCosts: [Int] = []

    /// Every match, in key order. Reading more than `budget` terms throws `BudgetExceeded`; `termsRead` says
    /// how many were read.
    func matches(in dictionary: TermDictionary, budget: Int, termsRead: inout Int) throws(IndexError) -> Result<[Match], BudgetExceeded> {
        let width = word.count + 1
        // rows[i * width + j]: distance between the term's first i bytes (after the namespace) and word[0..<j].
        var rows = Array(0...word.count)
        var rowsDepth = 0  // rows hold depths 0...rowsDepth of the term read before
        // That term's first `rowsDepth + 1` bytes (all the rows can share), in a buffer that only grows.
        var previous = [UInt8](repeating: namespace, count: 32)
        var found: [Match] = []
        let required = [namespace] + word.prefix(sharedPrefix)
        var seekKey = required
        guard dictionary.blockCount > 0 else { return .success([]) }
        var block = try dictionary.block(for: seekKey) ?? 0
        var reader = try dictionary.reader(ofBlock: block)
        // Every term the walk reads sorts at or after `seekKey`: the reader is moved past those before it here
        // and at each jump below, in the block holding it, else (none there) the next block starts after it,
        // since the block holding it is the last whose first term does not sort after it.
        try reader.skip(before: seekKey)

        walk: while true {
            guard try reader.nextTerm() else {
                block += 1
                guard block < dictionary.blockCount else { break walk }
                try reader.move(toBlock: block)
                continue
            }
            // The reader's buffer, read in place (its first `termCount` bytes); the reference is dropped before
            // the reader next writes it.
            let term = reader.termBytes, termCount = reader.termCount
            guard FuzzyTermWalk.starts(term, termCount, with: required) else { break walk }
            termsRead += 1
            if termsRead > budget { return .failure(BudgetExceeded()) }
            // Reuse the rows of the common prefix with the previous term (index 0 is the namespace byte).
            var depth = 1
            let limit = min(termCount, rowsDepth + 1)
            while depth < limit && term[depth] == previous[depth] { depth += 1 }
            let (dead, rowsKept) = extendRows(&rows, width: width, term: term, termCount: termCount, from: depth - 1)
            rowsDepth = rowsKept
            // Kept for the next term: the bytes its rows may share (`rowsDepth + 1`), copied from `depth` on.
            let kept = min(termCount, rowsDepth + 1)
            if previous.count < kept { previous += repeatElement(0, count: kept - previous.count) }
            // On raw pointers (an indexed write checks the array's uniqueness every time): every index is below
            // `kept`, which is at most `termCount <= term.count` and, after the growth above, `previous.count`.
            if kept > depth {
                unsafe previous.withUnsafeMutableBufferPointer { bytes in
                    unsafe term.withUnsafeBufferPointer { source in
                        for index in depth..<kept { unsafe bytes[index] = source[index] }
                    }
                }
            }
            guard dead else {
                let row = rowsKept * width
                var distance = rows[row + word.count]
                for (j, cost) in endingCosts.enumerated() where cost < distance { distance = min(distance, rows[row + j] + cost) }
                if distance <= maximumDistance {
                    found.append(Match(key: Array(term[..<termCount]), info: try reader.info(), distance: distance))
                } else {
                    try reader.skipInfo()
                }
                continue
            }
            try reader.skipInfo()
            // No term starting with term[0...rowsKept] can match: jump past them all, to the next sibling prefix
            // that can still come within reach, or past the parent prefix when none can (the key built in
            // place: the walk jumps about once a term read).
            seekKey.removeAll(keepingCapacity: true)
            seekKey.append(contentsOf: term[0..<rowsKept])
            if let byte = nextLiveByte(after: term[rowsKept], depth: rowsKept, rows: rows, width: width, term: term) {
                seekKey.append(byte)
            } else {
                guard FuzzyTermWalk.advanceToSuccessor(&seekKey) else { break walk }
            }
            guard FuzzyTermWalk.starts(seekKey, seekKey.count, with: required) else { break walk }
            // The terms before it, passed over on their raw bytes: from the block holding it when that is a later
            // one (found by the block index, without scanning the rest of this one), else in this block (when all
            // of them sort before it, the next block starts after it).
            if block + 1 < dictionary.blockCount, try !dictionary.sorts(seekKey, beforeFirstTermOf: block + 1),
               let target = try dictionary.block(for: seekKey) {
                block = target
                try reader.move(toBlock: block)
            }
            try reader.skip(before: seekKey)
        }
        return .success(found)
    }

    /// Fills the rows of `term` after the first `kept` (shared with the previous term), one a byte; stops
    /// early when a row shows no term with this prefix can come within reach (`dead`). Returns that and how
    /// many rows are filled.
    ///
    /// The term is `term[..<termCount]` (`termCount <= term.count`).
    ///
    /// Only the band of entries within `maximumDistance` of the diagonal is computed (Ukkonen's cut-off).
    ///
    /// The hot loop of the walk, on raw pointers: `rows` is first grown to `termCount × width` entries, and
    /// every index read or written is below `(rowsKept + 1) × width + word.count < termCount × width`
    /// (rows are filled only while `rowsKept < termCount - 1`); `word` indices are `j - 1` and `j - 2` for
    /// `j` in `1..<width`, `term` indices `rowsKept` and `rowsKept + 1`, both below `termCount`.
    @inline(__always)
    private func extendRows(_ rows: inout [Int], width: Int, term: [UInt8], termCount: Int, from kept: Int) -> (dead: Bool, rowsKept: Int) {
        precondition(termCount <= term.count)
        guard kept < termCount - 1 else { return (false, kept) }
        if rows.count < termCount * width { rows.append(contentsOf: repeatElement(0, count: termCount * width - rows.count)) }
        let limit = maximumDistance
        return unsafe rows.withUnsafeMutableBufferPointer { r in
            unsafe word.withUnsafeBufferPointer { w in
                unsafe term.withUnsafeBufferPointer { t in
                    var rowsKept = kept
                    let cap = limit + 1
                    while rowsKept < termCount - 1 {
                        let byte = unsafe t[rowsKept + 1], earlier = unsafe t[rowsKept]
                        let from = rowsKept * width, to = from + width
                        let row = rowsKept + 1
                        unsafe r[to] = row
                        var smallest = row
                        // Whether the row before this one reaches the limit everywhere.
                        var beforeAtLimit = unsafe r[from] >= limit
                        // Only entries within `limit` of the diagonal (|row - j| <= limit) can be within the limit;
                        // the others hold `cap`, read as "too far". A distance within the limit never comes from
                        // one (a neighbour at `cap` gives more), so those within it are exact, and the others
                        // stay over it: every test below reads the same answer as from the whole table.
                        let low = max(1, row - limit), high = min(width - 1, row + limit)
                        if low > 1 {
                            for j in 1..<low { unsafe r[to + j] = cap }
                            // The row before's band starts one entry earlier.
                            if unsafe r[from + low - 1] < limit { beforeAtLimit = false }
                        }
                        if high + 1 < width { for j in (high + 1)..<width { unsafe r[to + j] = cap } }
                        for j in stride(from: low, through: high, by: 1) {
                            let replace = unsafe r[from + j - 1] + (w[j - 1] == byte ? 0 : 1)
                            var value = unsafe min(replace, r[from + j] + 1, r[to + j - 1] + 1)
                            // Two neighbours swapped: this byte and the one before are the word's j-1 and j-2.
                            if j > 1 && rowsKept > 0, unsafe w[j - 2] == byte && w[j - 1] == earlier {
                                value = unsafe min(value, r[from - width + j - 2] + 1)
                            }
                            unsafe r[to + j] = value
                            smallest = min(smallest, value)
                            if unsafe r[from + j] < limit { beforeAtLimit = false }
                        }
                        rowsKept += 1
                        if smallest > limit && beforeAtLimit { return (true, rowsKept) }
                    }
                    return (false, rowsKept)
                }
            }
        }
    }

    /// The smallest byte above `dead` that can follow the term's first `depth - 1` bytes (after the namespace)
    /// in a term within reach, or nil when none can; the prefix ending in `dead` at `depth` has just died.
    ///
    /// Its parent's row (depth - 1) reaches the limit everywhere (else the prefix could not have died). In a
    /// sibling's row, entry `j` comes from the parent's `j` plus one (over the limit), from the entry before
    /// it plus one (over the limit too: the row's entry 0 is `depth`, and so on along it), from the parent's
    /// `j - 1` plus a replacement, or from a swap two rows up. So a sibling prefix lives exactly when its byte
    /// is the word's byte `j - 1` where the parent's entry `j - 1` is within the limit (a match), or the
    /// word's byte `j - 2` where the word's `j - 1` is the parent's last byte and the grandparent's entry
    /// `j - 2` is below the limit (a swap). The smallest such byte above `dead` is the Levenshtein
    /// automaton's "next string it can accept" (Lucene's `AutomatonTermsEnum`), worked out from one row; it
    /// spares reading a term under every dead sibling.
    ///
    /// On raw pointers, as `extendRows`: `depth` is at least 1 and rows `depth - 1` (and `depth - 2` when
    /// `depth > 1`) are filled, so every `rows` index read, at most `(depth - 1) * width + word.count - 1`, is
    /// below `rows.count`; `word` indices are `j - 1` and `j - 2` for `j` in `1..<width`.
    private func nextLiveByte(after dead: UInt8, depth: Int, rows: [Int], width: Int, term: [UInt8]) -> UInt8? {
        let from = (depth - 1) * width
        let earlier = term[depth - 1], limit = maximumDistance
        precondition(from + width <= rows.count && width == word.count + 1)
        return unsafe rows.withUnsafeBufferPointer { r in
            unsafe word.withUnsafeBufferPointer { w in
                var next = 0x100  // none yet
                for j in 1..<width {
                    let match = Int(unsafe w[j - 1])
                    if match > dead && match < next, unsafe r[from + j - 1] <= limit { next = match }
                    if j > 1 && depth > 1, unsafe w[j - 1] == earlier {
                        let swapped = Int(unsafe w[j - 2])
                        if swapped > dead && swapped < next, unsafe r[from - width + j - 2] < limit { next = swapped }
                    }
                }
                return next < 0x100 ? UInt8(next) : nil
            }
        }
    }

    /// Whether the first `count` bytes of `bytes` start with `prefix` (a namespace byte and a letter or two:
    /// a loop, where the generic `starts(with:)` was not specialised and cost as much as reading the term).
    @inline(__always)
    private static func starts(_ bytes: [UInt8], _ count: Int, with prefix: [UInt8]) -> Bool {
        guard count >= prefix.count else { return false }
        for index in prefix.indices where bytes[index] != prefix[index] { return false }
        return true
    }

    /// Turns `prefix` into the smallest key greater than every key starting with it; false when there is none.
    static func advanceToSuccessor(_ key: inout [UInt8]) -> Bool {
        while let last = key.last {
            if last < 0xFF {
                key[key.count - 1] = last + 1
                return true
            }
            key.removeLast()
        }
        return false
    }
}
