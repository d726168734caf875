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
    func appendPositions(in file: MappedFile, positionsEnd: Int, to output: inout [UInt32]) {
        unsafe storage.pointee.appendPositions(in: file, positionsEnd: positionsEnd, to: &output)
    }

    override var damage: String? { unsafe storage.pointee.damage }
}

/// Documents in any child.
final class UnionMatcher: Matcher {
    let children: [Matcher]
    init(_ children: [Matcher]) {
        self.children = children
        super.init()
        document = children.map(\.document).min() ?? PostingsCursor.exhausted
    }
    override func next() { advance(to: document &+ 1) }
    override func advance(to target: UInt32) {
        guard document != PostingsCursor.exhausted else { return }
        var smallest = PostingsCursor.exhausted
        for child in children {
            if child.document < target { child.advance(to: target) }
            smallest = min(smallest, child.document)
        }
        document = smallest
    }
    override var damage: String? { children.lazy.compactMap(\.damage).first }
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
            for child in children {
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
/// Title positions and abstract positions never mix (the abstract's start at 2^20).
final class PhraseMatcher: Matcher {
    /// One group per phrase position: its offset from the first and its alternative terms.
    let groups: [(offset: Int, terms: [TermMatcher])]
    private let offsets: [Int]
    let field: QueryField
    let positionsFile: MappedFile
    let positionsEnd: Int
    private let conjunction: IntersectionMatcher
    private var positions: [UInt32] = []
    private var starts: [Int] = []

    init(groups: [(offset: Int, terms: [TermMatcher])], field: QueryField, positions: MappedFile, positionsEnd: Int) {
        self.groups = groups
        offsets = groups.map(\.offset)
        self.field = field
        positionsFile = positions
        self.positionsEnd = positionsEnd
        conjunction = IntersectionMatcher(groups.map { group in group.terms.count == 1 ? group.terms[0] : UnionMatcher(group.terms) })
        super.init()
        settle()
    }

    private func settle() {
        while conjunction.document != PostingsCursor.exhausted && !phraseOccurs(in: conjunction.document) {
            conjunction.next()
        }
        document = conjunction.document
    }

    /// Whether the phrase stands in the current document.
    private func phraseOccurs(in target: UInt32) -> Bool {
        // The buffers are reused from candidate to candidate, and worked on as locals: every touch of a
        // class's stored array in place is a dynamic exclusivity check.
        var positions = self.positions, starts = self.starts
        self.positions = []
        self.starts = []
        defer {
            self.positions = positions
            self.starts = starts
        }
        positions.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        for group in groups {
            let start = positions.count
            starts.append(start)
            for term in group.terms where term.document == target {
                term.appendPositions(in: positionsFile, positionsEnd: positionsEnd, to: &positions)
            }
            if group.terms.count > 1 { positions[start...].sort() }
            if positions.count == start { return false }
        }
        starts.append(positions.count)
        return PhraseMatcher.stands(in: positions, starts: starts, offsets: offsets[...], field: field)
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

    override func next() { conjunction.next(); settle() }
    override func advance(to target: UInt32) { conjunction.advance(to: target); settle() }
    override var damage: String? { conjunction.damage }
}

/// One author's name: every part (each a set of alternative terms of the author field) in one and the same
/// author. Author `i`'s words stand at positions from `i × IndexFormat.authorPositionGap`, so the positions
/// tell whose name a word is in; the parts may stand in any order.
final class AuthorNameMatcher: Matcher {
    let parts: [[TermMatcher]]
    let positionsFile: MappedFile
    let positionsEnd: Int
    private let conjunction: IntersectionMatcher
    private var scratch: [UInt32] = []

    init(parts: [[TermMatcher]], positions: MappedFile, positionsEnd: Int) {
        self.parts = parts
        positionsFile = positions
        self.positionsEnd = positionsEnd
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
        var scratch = self.scratch
        self.scratch = []
        defer { self.scratch = scratch }
        var common: Set<UInt32>?
        for part in parts {
            var authors = Set<UInt32>()
            for term in part where term.document == target {
                scratch.removeAll(keepingCapacity: true)
                term.appendPositions(in: positionsFile, positionsEnd: positionsEnd, to: &scratch)
                for position in scratch { authors.insert(position / UInt32(IndexFormat.authorPositionGap)) }
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
