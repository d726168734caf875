/// Which segments a commit merges, so that the number of segments stays logarithmic in the papers added
/// (a log merge policy, as Lucene's `LogDocMergePolicy` and tantivy's `LogMergePolicy`).
///
/// A segment's *level* is 0 below `floorSize` live papers, and 1 + ⌊log_factor(live / floorSize)⌋ above:
/// with the defaults, segments of fewer than 1,000 papers are level 0, of 1,000–9,999 level 1, of
/// 10,000–99,999 level 2, and so on. Whenever `factor` segments share a level they are merged into one,
/// which lands a level or more higher; so each level holds fewer than `factor` segments and an index of N
/// papers has fewer than `factor` × (levels up to log_factor N) segments, however the papers came in (one at
/// a time or a million at once). A segment more than `deletedShare` deleted is rewritten too, purging its
/// deleted papers. A merge rewrites the live papers of its segments in their order (see `IndexWriter`).
public struct MergePolicy: Sendable, Equatable {
    /// How many segments of one level are merged together.
    public var factor: Int
    /// Segments below this many live papers are all of the lowest level.
    public var floorSize: Int
    /// A segment with a larger share of its papers deleted is rewritten.
    public var deletedShare: Double

    public init(factor: Int = 10, floorSize: Int = 1_000, deletedShare: Double = 0.5) {
        self.factor = max(2, factor)
        self.floorSize = max(1, floorSize)
        self.deletedShare = deletedShare
    }

    /// The default: merges of ten, a floor of 1,000 papers, rewriting segments more than half deleted.
    public static let `default` = MergePolicy()
    /// Never merges (each commit adds a segment); for measuring unmerged indexes.
    public static let never = MergePolicy(factor: Int.max, floorSize: 1, deletedShare: 1)

    func level(_ live: Int) -> Int {
        guard live >= floorSize else { return 0 }
        var level = 1
        var size = floorSize
        while size <= live / factor {
            size *= factor
            level += 1
        }
        return level
    }

    /// One merge the policy wants of segments with these (live, stored) paper counts — the indices, in order —
    /// or nil when it wants none. Asked again after each merge, with the merged segment in the list.
    func nextMerge(_ segments: [(live: Int, stored: Int)]) -> [Int]? {
        guard factor != Int.max else { return nil }
        var byLevel: [Int: [Int]] = [:]
        for (index, segment) in segments.enumerated() { byLevel[level(segment.live), default: []].append(index) }
        // The lowest full level first: its merge may fill the next one.
        for level in byLevel.keys.sorted() {
            if let members = byLevel[level], members.count >= factor { return Array(members.prefix(factor)) }
        }
        for (index, segment) in segments.enumerated() where segment.stored > 0 {
            if Double(segment.stored - segment.live) > deletedShare * Double(segment.stored) { return [index] }
        }
        return nil
    }
}
