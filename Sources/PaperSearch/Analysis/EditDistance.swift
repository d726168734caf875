/// The restricted Damerau-Levenshtein distance (optimal string alignment: a byte inserted, deleted or
/// replaced, or two neighbours swapped, counts one edit; no substring is edited twice) of short byte strings,
/// by the textbook table.
enum EditDistance {
    /// The distance between `a` and `b` (`FuzzyTermWalk` measures the same, row by row over a dictionary).
    static func between(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Int {
        toPrefixes(a, b).last ?? 0
    }

    /// The distances between `a` and each prefix of `b` (`b.count + 1` of them): the table's last row.
    static func toPrefixes(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> [Int] {
        let b = Array(b)
        var table: [Int] = []
        let row = fill(&table, Array(a), b)
        return Array(table[row...])
    }

    /// Fills `table` (grown when too small, so a caller comparing many pairs allocates it once) with the
    /// distances between every prefix of `a` and every prefix of `b`; returns where the last row starts
    /// (its `b.count + 1` entries: `a` against each prefix of `b`).
    static func fill(_ table: inout [Int], _ a: [UInt8], _ b: [UInt8]) -> Int {
        let width = b.count + 1
        if table.count < (a.count + 1) * width { table += repeatElement(0, count: (a.count + 1) * width - table.count) }
        for j in 0...b.count { table[j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            table[i * width] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                var value = min(table[(i - 1) * width + j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1),
                                table[(i - 1) * width + j] + 1, table[i * width + j - 1] + 1)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { value = min(value, table[(i - 2) * width + j - 2] + 1) }
                table[i * width + j] = value
            }
        }
        return a.count * width
    }
}
