/// The phrases a search checks, read from cursors the caller owns (each list decoded once, by the cursors
/// that also find and score the documents), flattened into arrays of numbers, with buffers reused from
/// document to document, so that a check allocates and retains nothing. Used by `RankedAnd` (phrases
/// checked last) and `PhraseMatcher`.
///
/// A check reads the positions of one group (of a phrase of three groups or more, the one that occurs
/// least in the document): they say where the phrase could stand. Each other group, read in turn, keeps
/// those it continues, and the check stops as soon as none is left, without reading the positions of the
/// groups after it (most documents that hold a phrase's words do not hold the phrase).
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
    /// The positions of the group read first, in the document checked, where the phrase may still stand.
    private var kept = PositionBuffer()
    /// The positions of the group read next.
    private var next = PositionBuffer()

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
            let first = phraseStart[p], end = phraseStart[p + 1]
            guard first < end else { return false }
            // Of three groups or more, the one with the fewest occurrences (read from the frequencies alone)
            // is read first; of two, either may be.
            var lead = first
            if end - first > 2 {
                var fewest = Int.max
                for g in first..<end {
                    var occurrences = 0
                    for k in termStart[g]..<termStart[g + 1] where unsafe cursors[terms[k]].document == candidate {
                        occurrences += unsafe Int(cursors[terms[k]].titleFrequency) + Int(cursors[terms[k]].abstractFrequency)
                    }
                    if occurrences == 0 { return false }
                    if occurrences < fewest { (lead, fewest) = (g, occurrences) }
                }
            }
            PhrasePositions.read(terms[termStart[lead]..<termStart[lead + 1]], at: candidate, cursors, into: &kept)
            // The lead's positions in the phrase's field; the first merge drops the others.
            let base = UInt32(IndexFormat.abstractPositionBase)
            var (lowest, highest): (UInt32, UInt32) = switch fields[p] {
            case .title: (0, base - 1)
            case .abstract: (base, .max)
            default: (0, .max)
            }
            if end - first == 1 {
                guard unsafe kept.unsafeElements.contains(where: { $0 >= lowest && $0 <= highest }) else { return false }
                continue
            }
            var remaining = end - first - 1
            for g in first..<end where g != lead {
                PhrasePositions.read(terms[termStart[g]..<termStart[g + 1]], at: candidate, cursors, into: &next)
                remaining -= 1
                let count = unsafe PhrasePositions.keep(&kept, in: lowest...highest, continuedBy: next.unsafeElements,
                                                        shift: offsets[g] - offsets[lead], stoppingAtFirst: remaining == 0)
                if count == 0 { return false }
                kept.truncate(to: count)
                (lowest, highest) = (0, .max)
            }
        }
        return true
    }

    /// Keeps, at the front of `positions`, those in `range` whose value plus `shift` is among `continuations`
    /// (both ascending), and returns how many; with `stoppingAtFirst`, at most one.
    @inline(__always)
    private static func keep(_ positions: inout PositionBuffer, in range: ClosedRange<UInt32>,
                             continuedBy continuations: UnsafeBufferPointer<UInt32>, shift: Int, stoppingAtFirst: Bool) -> Int {
        positions.withUnsafeElements { positions in
            var kept = 0, next = 0
            for i in positions.indices {
                let position = unsafe positions[i]
                guard range.contains(position) else { continue }
                let wanted = Int(position) + shift
                guard wanted >= 0 else { continue }
                while next < continuations.count && Int(unsafe continuations[next]) < wanted { next &+= 1 }
                if next == continuations.count { break }
                if Int(unsafe continuations[next]) == wanted {
                    unsafe positions[kept] = position
                    kept &+= 1
                    if stoppingAtFirst { break }
                }
            }
            return kept
        }
    }

    /// Reads the positions in `candidate` of a group's terms (their cursor numbers) into `output`, ascending.
    @inline(__always)
    private static func read(_ group: ArraySlice<Int>, at candidate: UInt32, _ cursors: UnsafeMutableBufferPointer<PostingsCursor>,
                             into output: inout PositionBuffer) {
        output.removeAll()
        for term in group where unsafe cursors[term].document == candidate {
            unsafe cursors[term].appendPositions(to: &output)
        }
        if group.count > 1 { output.sort(from: 0) }
    }
}
