/// Document-at-a-time matchers for the general boolean path: each has a current `document` (or
/// `PostingsCursor.exhausted`) and moves forward with `next()` and `advance(to:)`. Term, phrase, union,
/// intersection and exclusion nodes compose any query; the fast paths (`RankedOr`, `RankedAnd`) work on
/// postings cursors directly and use these only as filters.
class Matcher {
    var document: UInt32 = 0
    func next() {}
    /// Moves to the first document `>= target` (never backwards).
    func advance(to target: UInt32) {}
    /// Damage found in the postings, if any.
    var damage: String? { nil }

    /// Whether the matcher holds `target` (advancing to it if needed).
    @inline(__always)
    final func contains(_ target: UInt32) -> Bool {
        if document < target { advance(to: target) }
        return document == target
    }
}

/// Matches nothing.
final class EmptyMatcher: Matcher {
    override init() {
        super.init()
        document = PostingsCursor.exhausted
    }
}

/// Matches every document of the index.
final class AllMatcher: Matcher {
    let count: UInt32
    init(count: Int) {
        self.count = UInt32(count)
        super.init()
        document = count == 0 ? PostingsCursor.exhausted : 0
    }
    override func next() { advance(to: document + 1) }
    override func advance(to target: UInt32) { document = target < count ? max(document, target) : PostingsCursor.exhausted }
}

/// Papers whose year is in a range (read from the norms, one document at a time).
final class YearMatcher: Matcher {
    let norms: Norms
    let range: ClosedRange<Int>
    init(norms: Norms, range: ClosedRange<Int>) {
        self.norms = norms
        self.range = range
        super.init()
        document = 0
        settle()
    }
    private func settle() {
        while Int(document) < norms.documentCount {
            if let year = norms.year(document), range.contains(year) { return }
            document += 1
        }
        document = PostingsCursor.exhausted
    }
    override func next() {
        guard document != PostingsCursor.exhausted else { return }
        document += 1
        settle()
    }
    override func advance(to target: UInt32) {
        guard document < target else { return }
        document = target
        settle()
    }
}

/// A term's documents, optionally only those where it occurs in the title (or the abstract).
///
/// The cursor lives in storage of its own rather than in a stored property: a class's stored `var` moved in
/// place costs a dynamic exclusivity check (thread-local bookkeeping) on every move, which was a fifth of a
/// phrase query's time. Only this object touches the storage, never re-entrantly.
@safe final class TermMatcher: Matcher {
    private let storage: UnsafeMutablePointer<PostingsCursor>
    let field: QueryField

    init(cursor: PostingsCursor, field: QueryField) {
        unsafe storage = .allocate(capacity: 1)
        unsafe storage.initialize(to: cursor)
        self.field = field
        super.init()
        settle()
    }

    deinit {
        unsafe storage.deinitialize(count: 1)
        unsafe storage.deallocate()
    }

    /// Skips documents where the term is not in the requested field.
    private func settle() {
        switch field {
        case .title:
            while unsafe storage.pointee.document != PostingsCursor.exhausted && storage.pointee.titleFrequency == 0 {
                unsafe storage.pointee.next()
            }
        case .abstract:
            while unsafe storage.pointee.document != PostingsCursor.exhausted && storage.pointee.abstractFrequency == 0 {
                unsafe storage.pointee.next()
            }
        default: break
        }
        document = unsafe storage.pointee.document
    }

    override func next() {
        unsafe storage.pointee.next()
        settle()
    }

    override func advance(to target: UInt32) {
        unsafe storage.pointee.advance(to: target)
        settle()
    }

    /// Appends the positions of the current document (see `PostingsCursor.appendPositions`).
    func appendPositions(to output: inout PositionBuffer) {
        unsafe storage.pointee.appendPositions(to: &output)
    }

    override var damage: String? { unsafe storage.pointee.damage }
}

/// Documents in any child. Phrases among the children are checked in two phases: a document another child
/// holds matches without reading any positions; a phrase's positions are read only where nothing else
/// matches (an acronym's long form beside the acronym and other words, a compound's spellings).
final class UnionMatcher: Matcher {
    /// The children that are not phrases.
    let children: [Matcher]
    let phrases: [PhraseMatcher]
    init(_ children: [Matcher]) {
        self.children = children.filter { !($0 is PhraseMatcher) }
        phrases = children.compactMap { $0 as? PhraseMatcher }
        super.init()
        document = 0
        advance(to: 0)
    }
    override func next() { advance(to: document &+ 1) }
    override func advance(to target: UInt32) {
        guard document != PostingsCursor.exhausted else { return }
        var target = target
        while true {
            var smallest = PostingsCursor.exhausted
            for i in children.indices {
                // `children` keeps every child alive: borrowing one without a retain is safe here.
                unowned(unsafe) let child = children[i]
                if child.document < target { child.advance(to: target) }
                smallest = min(smallest, child.document)
            }
            var phraseSmallest = PostingsCursor.exhausted
            for i in phrases.indices {
                unowned(unsafe) let phrase = phrases[i]
                phraseSmallest = min(phraseSmallest, phrase.approximate(to: target))
            }
            // A plain child holds `smallest`, or every child is done.
            if smallest <= phraseSmallest {
                document = smallest
                return
            }
            // Only phrases' words stand at `phraseSmallest`: a match if one of them stands there.
            for i in phrases.indices {
                unowned(unsafe) let phrase = phrases[i]
                if phrase.approximateDocument == phraseSmallest && phrase.confirm(phraseSmallest) {
                    document = phraseSmallest
                    return
                }
            }
            target = phraseSmallest + 1
        }
    }
    override var damage: String? { children.lazy.compactMap(\.damage).first ?? phrases.lazy.compactMap(\.damage).first }
}

/// Documents in every child (leapfrog intersection).
final class IntersectionMatcher: Matcher {
    let children: [Matcher]
    init(_ children: [Matcher]) {
        self.children = children
        super.init()
        document = 0
        align(from: children.map(\.document).max() ?? PostingsCursor.exhausted)
    }
    private func align(from start: UInt32) {
        var target = start
        while target != PostingsCursor.exhausted {
            var agreed = true
            for i in children.indices {
                // `children` keeps every child alive: borrowing one without a retain is safe here.
                unowned(unsafe) let child = children[i]
                if child.document < target { child.advance(to: target) }
                if child.document != target {
                    target = child.document
                    agreed = false
                    break
                }
            }
            if agreed { break }
        }
        document = target
    }
    override func next() { guard document != PostingsCursor.exhausted else { return }; align(from: document + 1) }
    override func advance(to target: UInt32) { guard document < target else { return }; align(from: target) }
    override var damage: String? { children.lazy.compactMap(\.damage).first }
}

/// Documents of `include` that no `exclude` matcher holds.
final class ExclusionMatcher: Matcher {
    let include: Matcher
    let exclude: [Matcher]
    init(include: Matcher, exclude: [Matcher]) {
        self.include = include
        self.exclude = exclude
        super.init()
        settle()
    }
    private func settle() {
        while include.document != PostingsCursor.exhausted && exclude.contains(where: { $0.contains(include.document) }) {
            include.next()
        }
        document = include.document
    }
    override func next() { include.next(); settle() }
    override func advance(to target: UInt32) { include.advance(to: target); settle() }
    override var damage: String? { include.damage ?? exclude.lazy.compactMap(\.damage).first }
}

/// An exact phrase: the terms of each position group (alternatives, as for compounds) at their offsets.
/// Its cursors are values in a buffer it owns (no reference counting per document); documents holding every
/// group come from a leapfrog of the groups, and the positions decide (`PhrasePositions`).
@safe final class PhraseMatcher: Matcher {
    /// The groups' cursors, group after group.
    private let cursors: UnsafeMutableBufferPointer<PostingsCursor>
    private var phrase: PhrasePositions
    /// The cursor numbers, in order, and where each group's numbers start among them (group `g`'s are
    /// `groupStart[g]..<groupStart[g + 1]`), held as constants: the leapfrog reads them at every step.
    private let numbers: [Int], groupStart: [Int]

    /// `aligning: false` for a union's child, which the union moves by `approximate` and `confirm` only:
    /// its `document` is then not kept (finding the first document where the phrase stands could read the
    /// positions of many that only hold its words).
    init(groups: [(offset: Int, cursors: [PostingsCursor])], field: QueryField, aligning: Bool = true) {
        let all = groups.flatMap(\.cursors)
        unsafe cursors = .allocate(capacity: all.count)
        _ = unsafe cursors.initialize(from: all)
        var groupStart = [0]
        for group in groups { groupStart.append(groupStart[groupStart.count - 1] + group.cursors.count) }
        let check = SearchPlan.PhraseCheck(groups: groups.indices.map { g in
            (groups[g].offset, Array(groupStart[g]..<groupStart[g + 1]))
        }, field: field)
        phrase = PhrasePositions(phrases: [check])
        (numbers, self.groupStart) = (Array(0..<all.count), groupStart)
        super.init()
        _ = leapfrog(from: 0)
        if aligning { align(from: 0) }
    }

    deinit {
        unsafe cursors.deinitialize()
        unsafe cursors.deallocate()
    }

    /// Moves group `g`'s cursors to `target`; the first document at or after it holding one of them.
    private func advance(group g: Int, to target: UInt32) -> UInt32 {
        unsafe cursors.advance(numbers, groupStart[g]..<groupStart[g + 1], to: target)
    }

    /// The document where every group's cursors stand (the first phase: the positions not yet read).
    private(set) var approximateDocument: UInt32 = 0

    /// The first document from `target` on that holds every group (`approximateDocument`), positions unread.
    func approximate(to target: UInt32) -> UInt32 {
        guard approximateDocument < target else { return approximateDocument }
        return leapfrog(from: target)
    }

    /// Brings every group to the first document from `start` on that holds them all.
    private func leapfrog(from start: UInt32) -> UInt32 {
        var target = start
        let groups = groupStart.count - 1
        search: while target != PostingsCursor.exhausted {
            for g in 0..<groups {
                let document = advance(group: g, to: target)
                if document != target {
                    target = document
                    continue search
                }
            }
            break
        }
        approximateDocument = target
        return target
    }

    /// Whether the phrase stands in `approximateDocument` (the second phase).
    func confirm(_ candidate: UInt32) -> Bool {
        guard candidate != PostingsCursor.exhausted else { return false }
        return unsafe phrase.stand(at: candidate, cursors)
    }

    /// Moves to the first document from `start` where the phrase stands.
    private func align(from start: UInt32) {
        var target = start
        while true {
            target = approximate(to: target)
            if target == PostingsCursor.exhausted || confirm(target) { break }
            target += 1
        }
        document = target
    }

    override func next() { if document != PostingsCursor.exhausted { align(from: document + 1) } }
    override func advance(to target: UInt32) { if document < target { align(from: target) } }
    override var damage: String? { unsafe cursors.lazy.compactMap(\.damage).first }
}

/// One author's name: every part (each a set of alternative terms of the author field) in one and the same
/// author. Author `i`'s words stand at positions from `i × IndexFormat.authorPositionGap`, so the positions
/// tell whose name a word is in; the parts may stand in any order.
final class AuthorNameMatcher: Matcher {
    let parts: [[TermMatcher]]
    private let conjunction: IntersectionMatcher
    private var scratch = PositionBuffer()

    init(parts: [[TermMatcher]]) {
        self.parts = parts
        conjunction = IntersectionMatcher(parts.map { $0.count == 1 ? $0[0] : UnionMatcher($0) })
        super.init()
        settle()
    }

    private func settle() {
        while conjunction.document != PostingsCursor.exhausted && !inOneAuthor(conjunction.document) { conjunction.next() }
        document = conjunction.document
    }

    /// Whether some author holds every part.
    private func inOneAuthor(_ target: UInt32) -> Bool {
        var common: Set<UInt32>?
        for part in parts {
            var authors = Set<UInt32>()
            for term in part where term.document == target {
                scratch.removeAll()
                term.appendPositions(to: &scratch)
                for i in 0..<scratch.count { authors.insert(scratch[i] / UInt32(IndexFormat.authorPositionGap)) }
            }
            common = common.map { $0.intersection(authors) } ?? authors
            if common?.isEmpty != false { return false }
        }
        return true
    }

    override func next() { conjunction.next(); settle() }
    override func advance(to target: UInt32) { conjunction.advance(to: target); settle() }
    override var damage: String? { conjunction.damage }
}
