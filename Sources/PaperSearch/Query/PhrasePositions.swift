/// The phrases a search checks, read from cursors the caller owns (each list decoded once, by the cursors
/// that also find and score the documents), flattened into arrays of numbers, with buffers reused from
/// document to document, so that a check allocates and retains nothing. Used by `RankedAnd` (phrases
/// checked last) and `PhraseMatcher`.
///
/// Title positions and abstract positions never mix (the abstract's start at 2^20).
struct PhrasePositions {
    /// Phrase `p`'s groups are `phraseStart[p]..<phraseStart[p + 1]`; group `g`'s terms (cursor numbers) are
    /// `terms[termStart[g]..<termStart[g + 1]]`, standing `offsets[g]` after the phrase's start.
    let phraseStart: [Int]
    let fields: [QueryField]
    let offsets: [Int]
    let termStart: [Int]
    let terms: [Int]
    private var positions: [UInt32] = []
    private var starts: [Int] = []

    init(phrases: [SearchPlan.PhraseCheck]) {
        var phraseStart = [0], offsets: [Int] = [], termStart = [0], terms: [Int] = []
        for phrase in phrases {
            for group in phrase.groups {
                offsets.append(group.offset)
                terms += group.terms
                termStart.append(terms.count)
            }
            phraseStart.append(offsets.count)
        }
        (self.phraseStart, self.offsets, self.termStart, self.terms) = (phraseStart, offsets, termStart, terms)
        fields = phrases.map(\.field)
    }

    var isEmpty: Bool { fields.isEmpty }

    /// Whether every phrase stands in `candidate`, on which every phrase term's cursor stands or, for one
    /// of several spellings of a position, lies beyond.
    mutating func stand(at candidate: UInt32, _ cursors: UnsafeMutableBufferPointer<PostingsCursor>) -> Bool {
        for p in fields.indices {
            positions.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            for g in phraseStart[p]..<phraseStart[p + 1] {
                let start = positions.count
                starts.append(start)
                for k in termStart[g]..<termStart[g + 1] where unsafe cursors[terms[k]].document == candidate {
                    unsafe cursors[terms[k]].appendPositions(to: &positions)
                }
                if termStart[g + 1] - termStart[g] > 1 { positions[start...].sort() }
                if positions.count == start { return false }
            }
            starts.append(positions.count)
            if !PhrasePositions.stands(in: positions, starts: starts, offsets: offsets[phraseStart[p]..<phraseStart[p + 1]],
                                       field: fields[p]) {
                return false
            }
        }
        return true
    }

    /// Whether a phrase stands in a document. Group `g`'s positions there are `positions[starts[g]..<starts[g + 1]]`,
    /// ascending; its terms stand `offsets[g]` after the phrase's start. The phrase stands in the title, the
    /// abstract, or (`.text`) either, never across the two.
    static func stands(in positions: [UInt32], starts: [Int], offsets: ArraySlice<Int>, field: QueryField) -> Bool {
        let groups = offsets.count
        guard groups > 0, starts.count > groups else { return false }
        let base = UInt32(IndexFormat.abstractPositionBase)
        let firstOffset = offsets[offsets.startIndex]
        for start in positions[starts[0]..<starts[1]] {
            switch field {
            case .title where start >= base: continue
            case .abstract where start < base: continue
            default: break
            }
            let origin = Int(start) - firstOffset
            var found = true
            for g in 1..<groups {
                let wanted = origin + offsets[offsets.startIndex + g]
                guard wanted >= 0, contains(positions, starts[g]..<starts[g + 1], UInt32(wanted)) else {
                    found = false
                    break
                }
            }
            if found { return true }
        }
        return false
    }

    /// Whether the ascending `positions[range]` holds `value` (binary search).
    private static func contains(_ positions: [UInt32], _ range: Range<Int>, _ value: UInt32) -> Bool {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if positions[middle] == value { return true }
            if positions[middle] < value { low = middle + 1 } else { high = middle }
        }
        return false
    }
}
