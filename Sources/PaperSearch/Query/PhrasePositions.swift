/// The phrases a search checks, read from cursors the caller owns (each list decoded once, by the cursors
/// that also find and score the documents), flattened into arrays of numbers, with buffers reused from
/// document to document, so that a check allocates and retains nothing. Used by `RankedAnd` (phrases
/// checked last) and `PhraseMatcher`.
///
/// A phrase stands where one of its spellings does (a compound's joined form, or its parts as words). A
/// spelling of one group is a word: it stands where its term occurs in the spelling's field, which the
/// frequencies tell without reading positions. A longer spelling's check reads the positions of one group
/// (of three groups or more, the one that occurs least in the document): they say where the spelling could
/// stand. Each other group, read in turn, keeps those it continues, and the check stops as soon as none is
/// left, without reading the positions of the groups after it (most documents that hold a phrase's words
/// do not hold the phrase).
///
/// Title positions and abstract positions never mix (the abstract's start at 2^20).
struct PhrasePositions: ~Copyable {
    /// The layout, in one allocation of numbers read through a pointer by the checks (indexing arrays there
    /// retained and released them at every group: a seventh of a check's time). Phrase `p`'s spellings are
    /// `phraseStart(p)..<phraseStart(p + 1)`; spelling `s`'s groups are `spellingStart(s)..<spellingStart(s + 1)`,
    /// found in the field `fieldCode(s)` says; group `g` stands `offset(g)` after its spelling's start, and
    /// its terms are `term(k)` for `k` in `termStart(g)..<termStart(g + 1)`. Invariant: every index the checks
    /// compute from these numbers lies in `table`, which `init` wrote whole.
    private let table: UnsafeMutableBufferPointer<Int>
    private let phraseCount: Int
    private let spellingBase: Int, fieldBase: Int, offsetBase: Int, termStartBase: Int, termBase: Int
    /// The positions of the group read first, in the document checked, where the phrase may still stand.
    private var kept = PositionBuffer()
    /// The positions of the group read next.
    private var next = PositionBuffer()

    /// The commonest check, one phrase of one spelling of words anywhere in the paper (`"deep learning"`):
    /// how many words (groups of one term each, group `g` being term `term(g)` at `offset(g)`), checked
    /// without walking the layout of phrases, spellings and groups (which cost more than reading the
    /// positions). 0 for any other set of phrases.
    private let wordCount: Int
    /// For two words, their cursor numbers and how far the second stands after the first, kept apart from
    /// the layout (the pair's check, the commonest, reads them at every candidate).
    private let pair: (first: Int, second: Int, shift: Int)

    /// A spelling's field as the checks read it.
    private enum FieldCode: Int { case any = 0, title = 1, abstract = 2 }

    init(phrases: [SearchPlan.PhraseCheck]) {
        phraseCount = phrases.count
        guard !phrases.isEmpty else {
            // No layout to read (the checks are never made): nothing allocated.
            unsafe table = UnsafeMutableBufferPointer(start: nil, count: 0)
            (spellingBase, fieldBase, offsetBase, termStartBase, termBase, wordCount, pair) = (0, 0, 0, 0, 0, 0, (0, 0, 0))
            return
        }
        var phraseStart = [0], spellingStart = [0], fields: [Int] = [], offsets: [Int] = [], termStart = [0], terms: [Int] = []
        for phrase in phrases {
            for spelling in phrase.spellings {
                for group in spelling.groups {
                    offsets.append(group.offset)
                    terms += group.terms
                    termStart.append(terms.count)
                }
                spellingStart.append(offsets.count)
                let code: FieldCode = switch spelling.field {
                case .title: .title
                case .abstract: .abstract
                default: .any
                }
                fields.append(code.rawValue)
            }
            phraseStart.append(fields.count)
        }
        if phrases.count == 1, let spelling = phrases[0].spellings.first, phrases[0].spellings.count == 1,
           spelling.field != .title, spelling.field != .abstract, spelling.groups.count >= 2,
           spelling.groups.allSatisfy({ $0.terms.count == 1 }) {
            wordCount = spelling.groups.count
            pair = (spelling.groups[0].terms[0], spelling.groups[1].terms[0], spelling.groups[1].offset - spelling.groups[0].offset)
        } else {
            wordCount = 0
            pair = (0, 0, 0)
        }
        let layout = phraseStart + spellingStart + fields + offsets + termStart + terms
        spellingBase = phraseStart.count
        fieldBase = spellingBase + spellingStart.count
        offsetBase = fieldBase + fields.count
        termStartBase = offsetBase + offsets.count
        termBase = termStartBase + termStart.count
        unsafe table = .allocate(capacity: layout.count)
        _ = unsafe table.initialize(from: layout)
    }

    deinit { unsafe table.deallocate() }

    var isEmpty: Bool { phraseCount == 0 }

    @inline(__always) private func phraseStart(_ p: Int) -> Int { unsafe table[p] }
    @inline(__always) private func spellingStart(_ s: Int) -> Int { unsafe table[spellingBase &+ s] }
    @inline(__always) private func fieldCode(_ s: Int) -> Int { unsafe table[fieldBase &+ s] }
    @inline(__always) private func offset(_ g: Int) -> Int { unsafe table[offsetBase &+ g] }
    @inline(__always) private func termStart(_ g: Int) -> Int { unsafe table[termStartBase &+ g] }
    @inline(__always) private func term(_ k: Int) -> Int { unsafe table[termBase &+ k] }

    /// Whether every phrase stands in `candidate`. The cursors of the phrases' terms stand before, on or
    /// beyond it; those before it are moved to it.
    mutating func stand(at candidate: UInt32, _ cursors: UnsafeMutableBufferPointer<PostingsCursor>) -> Bool {
        if wordCount == 2 {
            let (first, second, shift) = pair
            if unsafe cursors[first].document < candidate { unsafe cursors[first].advance(to: candidate) }
            if unsafe cursors[second].document < candidate { unsafe cursors[second].advance(to: candidate) }
            guard unsafe cursors[first].document == candidate && cursors[second].document == candidate else { return false }
            kept.removeAll()
            unsafe cursors[first].appendPositions(to: &kept)
            next.removeAll()
            unsafe cursors[second].appendPositions(to: &next)
            return unsafe PhrasePositions.keep(&kept, in: 0...UInt32.max, continuedBy: next.unsafeElements, shift: shift,
                                               stoppingAtFirst: true) > 0
        }
        if wordCount > 2 { return unsafe wordsStand(at: candidate, cursors) }
        for p in 0..<phraseCount {
            var stood = false
            for s in phraseStart(p)..<phraseStart(p + 1) where unsafe spellingStands(s, at: candidate, cursors) {
                stood = true
                break
            }
            if !stood { return false }
        }
        return true
    }

    /// Whether the phrase of `wordCount` words (three or more) stands in `candidate`: what `spellingStands`
    /// does for groups of one term each in the paper's either field, with the layout's numbers read straight
    /// (group `g` is term `term(g)`, as every group before it has one term).
    private mutating func wordsStand(at candidate: UInt32, _ cursors: UnsafeMutableBufferPointer<PostingsCursor>) -> Bool {
        for g in 0..<wordCount where unsafe cursors[term(g)].document < candidate { unsafe cursors[term(g)].advance(to: candidate) }
        // The word with the fewest occurrences leads.
        var lead = 0, fewest = Int.max
        for g in 0..<wordCount {
            let term = term(g)
            guard unsafe cursors[term].document == candidate else { return false }
            let occurrences = unsafe Int(cursors[term].titleFrequency) + Int(cursors[term].abstractFrequency)
            if occurrences < fewest { (lead, fewest) = (g, occurrences) }
        }
        kept.removeAll()
        unsafe cursors[term(lead)].appendPositions(to: &kept)
        var remaining = wordCount - 1
        for g in 0..<wordCount where g != lead {
            next.removeAll()
            unsafe cursors[term(g)].appendPositions(to: &next)
            remaining -= 1
            let count = unsafe PhrasePositions.keep(&kept, in: 0...UInt32.max, continuedBy: next.unsafeElements,
                                                    shift: offset(g) - offset(lead), stoppingAtFirst: remaining == 0)
            if count == 0 { return false }
            kept.truncate(to: count)
        }
        return true
    }

    /// Whether spelling `s` stands in `candidate`.
    @inline(__always)
    private mutating func spellingStands(_ s: Int, at candidate: UInt32, _ cursors: UnsafeMutableBufferPointer<PostingsCursor>) -> Bool {
        let first = spellingStart(s), end = spellingStart(s + 1)
        guard first < end else { return false }
        let field = fieldCode(s)
        var lead = first
        if end - first > 2 || field != FieldCode.any.rawValue {
            // Every group needs a term in the document, and in the spelling's field: the frequencies say how
            // often it occurs there. Of three groups or more, the one with the fewest occurrences leads.
            var fewest = Int.max
            for g in first..<end {
                var occurrences = 0
                for k in termStart(g)..<termStart(g + 1) {
                    let term = term(k)
                    if unsafe cursors[term].document < candidate { unsafe cursors[term].advance(to: candidate) }
                    guard unsafe cursors[term].document == candidate else { continue }
                    let (title, abstract) = unsafe (Int(cursors[term].titleFrequency), Int(cursors[term].abstractFrequency))
                    occurrences += field == FieldCode.title.rawValue ? title : field == FieldCode.abstract.rawValue ? abstract : title + abstract
                }
                if occurrences == 0 { return false }
                if occurrences < fewest { (lead, fewest) = (g, occurrences) }
            }
            if end - first == 2 { lead = first }
        } else {
            // A word or two anywhere in the paper: the positions read say whether the terms are there. (The
            // cursors of terms outside the conjunction's clauses may stand before the candidate.)
            for k in termStart(first)..<termStart(end) where unsafe cursors[term(k)].document < candidate {
                unsafe cursors[term(k)].advance(to: candidate)
            }
            // Each group needs a term in the paper: most papers a compound's other spelling is checked in lack
            // its joined form, whose absence the cursors tell without reading the first word's positions.
            for g in first..<end where unsafe !terms(ofGroup: g).contains(where: { unsafe cursors[$0].document == candidate }) {
                return false
            }
        }
        if end - first == 1 {
            return unsafe terms(ofGroup: first).contains { unsafe cursors[$0].document == candidate }
        }
        unsafe PhrasePositions.read(terms(ofGroup: lead), at: candidate, cursors, into: &kept)
        // The lead's positions in the phrase's field; the first merge drops the others.
        let base = UInt32(IndexFormat.abstractPositionBase)
        var (lowest, highest): (UInt32, UInt32) = field == FieldCode.title.rawValue ? (0, base - 1)
            : field == FieldCode.abstract.rawValue ? (base, .max) : (0, .max)
        var remaining = end - first - 1
        for g in first..<end where g != lead {
            unsafe PhrasePositions.read(terms(ofGroup: g), at: candidate, cursors, into: &next)
            remaining -= 1
            let count = unsafe PhrasePositions.keep(&kept, in: lowest...highest, continuedBy: next.unsafeElements,
                                                    shift: offset(g) - offset(lead), stoppingAtFirst: remaining == 0)
            if count == 0 { return false }
            kept.truncate(to: count)
            (lowest, highest) = (0, .max)
        }
        return true
    }

    /// Group `g`'s terms (cursor numbers), valid while the check lives.
    @inline(__always)
    private func terms(ofGroup g: Int) -> UnsafeBufferPointer<Int> {
        unsafe UnsafeBufferPointer(rebasing: table[(termBase &+ termStart(g))..<(termBase &+ termStart(g &+ 1))])
    }

    /// Reads the positions in `candidate` of a group's terms (their cursor numbers) into `output`, ascending.
    @inline(__always)
    private static func read(_ group: UnsafeBufferPointer<Int>, at candidate: UInt32, _ cursors: UnsafeMutableBufferPointer<PostingsCursor>,
                             into output: inout PositionBuffer) {
        output.removeAll()
        for term in unsafe group where unsafe cursors[term].document == candidate {
            unsafe cursors[term].appendPositions(to: &output)
        }
        if group.count > 1 { output.sort(from: 0) }
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
}
