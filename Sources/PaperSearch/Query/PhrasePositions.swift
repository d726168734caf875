/// The phrases a search checks, read from cursors the caller owns (each list decoded once, by the cursors
/// that also find and score the documents), flattened into arrays of numbers, with buffers reused from
/// document to document, so that a check allocates and retains nothing. Used by `RankedAnd` (phrases
/// checked last) and `PhraseMatcher`.
///
/// Title positions and abstract positions never mix (the abstract's start at 2^20).
struct PhrasePositions: ~Copyable {
    /// Phrase `p`'s groups are `phraseStart[p]..<phraseStart[p + 1]`; group `g`'s terms (cursor numbers) are
    /// `terms[termStart[g]..<termStart[g + 1]]`, standing `offsets[g]` after the phrase's start.
    let phraseStart: [Int]
    let fields: [QueryField]
    let offsets: [Int]
    let termStart: [Int]
    let terms: [Int]
    private var positions = PositionBuffer()
    /// Where each group's positions start in `positions` (and where the last ends), for the phrase checked.
    private var starts: [Int]

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
        starts = Array(repeating: 0, count: (phrases.map(\.groups.count).max() ?? 0) + 1)
    }

    var isEmpty: Bool { fields.isEmpty }

    /// Whether every phrase stands in `candidate`, on which every phrase term's cursor stands or, for one
    /// of several spellings of a position, lies beyond.
    mutating func stand(at candidate: UInt32, _ cursors: UnsafeMutableBufferPointer<PostingsCursor>) -> Bool {
        for p in fields.indices {
            positions.removeAll()
            let first = phraseStart[p], groups = phraseStart[p + 1] - first
            for i in 0..<groups {
                let g = first + i, start = positions.count
                starts[i] = start
                for k in termStart[g]..<termStart[g + 1] where unsafe cursors[terms[k]].document == candidate {
                    unsafe cursors[terms[k]].appendPositions(to: &positions)
                }
                if termStart[g + 1] - termStart[g] > 1 { positions.sort(from: start) }
                if positions.count == start { return false }
            }
            starts[groups] = positions.count
            if !PhrasePositions.stands(in: positions, starts: starts, offsets: offsets[first..<first + groups], field: fields[p]) {
                return false
            }
        }
        return true
    }

    /// Whether a phrase stands in a document. Group `g`'s positions there are `positions[starts[g]..<starts[g + 1]]`,
    /// ascending; its terms stand `offsets[g]` after the phrase's start. The phrase stands in the title, the
    /// abstract, or (`.text`) either, never across the two.
    static func stands(in positions: borrowing PositionBuffer, starts: [Int], offsets: ArraySlice<Int>, field: QueryField) -> Bool {
        let groups = offsets.count
        guard groups > 0, starts.count > groups else { return false }
        let base = UInt32(IndexFormat.abstractPositionBase)
        let firstOffset = offsets[offsets.startIndex]
        for i in starts[0]..<starts[1] {
            let start = positions[i]
            switch field {
            case .title where start >= base: continue
            case .abstract where start < base: continue
            default: break
            }
            let origin = Int(start) - firstOffset
            var found = true
            for g in 1..<groups {
                let wanted = origin + offsets[offsets.startIndex + g]
                guard wanted >= 0, positions.contains(UInt32(wanted), in: starts[g]..<starts[g + 1]) else {
                    found = false
                    break
                }
            }
            if found { return true }
        }
        return false
    }
}
