/// An open index: one commit — its segments, memory-mapped, and the papers deleted from each — immutable
/// and shared by any number of threads and searchers.
///
/// Opening reads `CURRENT`, the commit, each segment's manifest and each deletion file, maps every file,
/// and checks what is cheap to check (see `Segment`). Nothing else is read until a search touches it.
/// `verify()` recomputes every checksum and walks every structure.
///
/// Document numbers run across the segments in the commit's order (a segment's start at the sum of the
/// sizes before it), deleted papers included; a search never returns a deleted paper. The statistics that
/// scoring uses — the number of papers, the average field lengths, each term's document frequency — are
/// those of the live papers of the whole commit, so a paper's score is the one a fresh build of the same
/// papers would give it, however the papers are split into segments.
public final class SearchIndex: Sendable {
    /// The index directory.
    public let path: String
    /// The name of the commit (or, for an index of an older PaperSearch, the generation folder) that was live
    /// when the index was opened, e.g. "commit-000009".
    public let generation: String
    /// The commit as read (nil for an index of an older PaperSearch, one segment without deletions).
    let commit: Commit?
    /// The commit file's bytes as read when opening (for `verify` once the commit is gone from disk).
    let commitBytesAtOpen: [UInt8]
    let segments: [LiveSegment]
    package let analyzer: Analyzer
    /// The parameters the newest segment's stored score bounds were computed with (the searchers' default).
    let parameters: BM25Parameters
    /// The live papers.
    public let documentCount: Int
    /// Every document number is below this (deleted papers have numbers too).
    package let documentLimit: Int
    /// BM25 statistics of the live papers.
    let statistics: BM25.Statistics

    /// Opens the live commit of the index at `path`.
    public static func open(at path: String) throws(IndexError) -> SearchIndex {
        try open(at: path, reusing: nil)
    }

    private static func open(at path: String, reusing previous: SearchIndex?) throws(IndexError) -> SearchIndex {
        let directory = IndexDirectory(root: path)
        // A writer may publish a new commit and delete this one's files between reading CURRENT and opening
        // them; then CURRENT names a newer commit, and another try succeeds.
        var attempt = 0
        while true {
            attempt += 1
            guard let pointer = try directory.current() else { throw .notFound(path: path) }
            if let previous, previous.generation == pointer.name { return previous }
            do {
                return try SearchIndex(directory: directory, pointer: pointer, reusing: previous)
            } catch let error {
                if case let .io(.io(_, _, errno)) = error, errno == .noSuchFile, attempt < 3 { continue }
                throw error
            }
        }
    }

    private init(directory: IndexDirectory, pointer: IndexDirectory.Pointer, reusing previous: SearchIndex?) throws(IndexError) {
        path = directory.root
        generation = pointer.name
        var entries: [Commit.SegmentEntry]
        switch pointer {
        case let .generation(name):
            commit = nil
            commitBytesAtOpen = []
            entries = [Commit.SegmentEntry(name: name, documentCount: -1, deletions: nil)]
        case let .commit(name):
            let (commit, bytes) = try Commit.read(name, in: directory)
            self.commit = commit
            commitBytesAtOpen = bytes
            entries = commit.segments
        }
        // Segments are immutable: those the previous commit had open are shared, not mapped again.
        var known: [String: Segment] = [:]
        for live in previous?.segments ?? [] { known[live.segment.name] = live.segment }
        var segments: [LiveSegment] = []
        var base = 0
        var titleTotal = 0, abstractTotal = 0
        for entry in entries {
            let segment: Segment
            if let shared = known[entry.name] { segment = shared } else { segment = try Segment(folder: directory.path(entry.name), name: entry.name) }
            guard entry.documentCount < 0 || segment.documentCount == entry.documentCount else {
                throw .corrupt(file: segment.folder, reason: "holds \(segment.documentCount) papers, the commit says \(entry.documentCount)")
            }
            var deletions = Deletions()
            if let entry = entry.deletions {
                deletions = try Deletions(path: directory.path(entry.file), entry: entry, segment: segment)
            }
            segments.append(LiveSegment(segment: segment, base: UInt32(base), deletions: deletions))
            base += segment.documentCount
            titleTotal += segment.manifest.titleLengthTotal - deletions.titleLengthTotal
            abstractTotal += segment.manifest.abstractLengthTotal - deletions.abstractLengthTotal
        }
        guard base < Int(UInt32.max) else { throw .corrupt(file: directory.root, reason: "more papers than an index can number") }
        let newest = segments.last?.segment
        for live in segments where live.segment.manifest.analyzerName != newest?.manifest.analyzerName {
            throw .corrupt(file: live.segment.folder, reason: "analysed with \(live.segment.manifest.analyzerName), the newest segment with \(newest?.manifest.analyzerName ?? "")")
        }
        self.segments = segments
        // An index whose papers were all removed has no segment left, and the defaults.
        analyzer = newest?.analyzer ?? .english
        parameters = newest?.manifest.parameters ?? .default
        documentLimit = base
        let live = segments.reduce(0) { $0 + $1.liveCount }
        documentCount = live
        statistics = BM25.Statistics(
            documentCount: live,
            averageTitleLength: live > 0 ? Double(titleTotal) / Double(live) : 0,
            averageAbstractLength: live > 0 ? Double(abstractTotal) / Double(live) : 0)
    }

    /// The index as last published in its folder: this one when nothing was published since it was opened,
    /// else the newer commit, opened — sharing the segments both have, so only new segments are mapped (this
    /// one stays readable for the searches that hold it). Costs one small read when nothing changed; a
    /// long-lived program calls it before each request.
    public func reopened() throws(IndexError) -> SearchIndex {
        try SearchIndex.open(at: path, reusing: self)
    }

    /// The segment (its index in `segments`) holding a document number, and the number within it.
    func locate(_ document: Int) -> (segment: Int, local: UInt32)? {
        guard document >= 0, document < documentLimit else { return nil }
        var low = 0, high = segments.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if Int(segments[middle].base) <= document { low = middle } else { high = middle - 1 }
        }
        return (low, UInt32(document - Int(segments[low].base)))
    }

    /// Whether a document number names a live paper.
    package func isLive(_ document: Int) -> Bool {
        guard let (s, local) = locate(document) else { return false }
        return !segments[s].deletions.contains(local)
    }

    /// The paper with document number `document` (a number search results gave).
    public func paper(at document: Int) throws(IndexError) -> Paper {
        guard let (s, local) = locate(document) else {
            throw .corrupt(file: path, reason: "no paper has document number \(document)")
        }
        return try segments[s].segment.documents.paper(Int(local))
    }

    /// The id of the paper with document number `document`, without reading its whole record.
    func id(at document: Int) throws(IndexError) -> String {
        guard let (s, local) = locate(document) else {
            throw .corrupt(file: path, reason: "no paper has document number \(document)")
        }
        return try segments[s].segment.documents.id(Int(local))
    }

    /// The document number of a live paper id, or nil. The id may be written as people write ids: an arXiv id
    /// with a version, an `arXiv:` prefix or as an arxiv.org URL (`PaperID.lookupForms`); the id as given is
    /// tried first.
    public func documentNumber(forID id: String) throws(IndexError) -> Int? {
        for form in PaperID.lookupForms(id) {
            let key = [FieldNamespace.id.rawValue] + Array(form.utf8)
            // Newest first: an updated paper's live copy is in a later segment than its deleted ones.
            for live in segments.reversed() {
                if let document = try live.document(withID: key) { return Int(live.base) + Int(document) }
            }
        }
        return nil
    }

    /// How many live papers hold an (analysed) word of the title or abstract (for benchmarks and tools).
    package func documentFrequency(ofWord word: [UInt8]) throws(IndexError) -> Int {
        try lookup(.text, word)?.documentFrequency ?? 0
    }

    /// A term in every segment, or nil when no live paper holds it.
    package func lookup(_ namespace: FieldNamespace, _ term: [UInt8]) throws(IndexError) -> IndexedTerm? {
        try lookup(key: [namespace.rawValue] + term)
    }

    /// The term whose dictionary key (namespace byte, then the term) is `key`, as `lookup(_:_:)`.
    package func lookup(key: [UInt8]) throws(IndexError) -> IndexedTerm? {
        // Made when a segment first holds the term: most lookups (a correction's spellings) find none.
        var infos: [TermInfo?] = []
        var frequency = 0
        for (position, live) in segments.enumerated() {
            guard let info = try live.segment.termInfo(key) else {
                if !infos.isEmpty { infos.append(nil) }
                continue
            }
            if infos.isEmpty {
                infos.reserveCapacity(segments.count)
                infos.append(contentsOf: repeatElement(nil, count: position))
            }
            frequency += info.documentFrequency - live.deletions.decrement(of: key)
            infos.append(info)
        }
        return frequency > 0 ? IndexedTerm(documentFrequency: frequency, infos: infos) : nil
    }

    /// Every term of `namespace` within `distance` edits of `word` (`FuzzyTermWalk`, sharing its first
    /// `sharedPrefix` bytes, reading its ending by `endingCosts`) that a live paper holds, in byte order, each
    /// with its distance; nil when the walks read more than `budget` terms in all (`termsRead` counts them).
    func terms(near word: [UInt8], in namespace: FieldNamespace, distance: Int, sharedPrefix: Int = 0, endingCosts: [Int] = [],
               budget: Int, termsRead: inout Int) throws(IndexError) -> [([UInt8], IndexedTerm, Int)]? {
        var walk = FuzzyTermWalk(namespace: namespace.rawValue, word: word, maximumDistance: distance)
        walk.sharedPrefix = sharedPrefix
        walk.endingCosts = endingCosts
        var distances: [[UInt8]: Int] = [:]
        for live in segments {
            switch try walk.matches(in: live.segment.terms, budget: budget, termsRead: &termsRead) {
            case .failure: return nil
            case let .success(found): for match in found { distances[match.key] = match.distance }
            }
        }
        var result: [([UInt8], IndexedTerm, Int)] = []
        for (key, distance) in distances.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            if let term = try lookup(key: key) { result.append((key, term, distance)) }
        }
        return result
    }

    /// Every term starting with `prefix` (namespace byte first) that a live paper holds, in byte order, at most
    /// `limit` of them (of each segment); the second value says whether more were left out.
    func terms(withPrefix prefix: [UInt8], limit: Int) throws(IndexError) -> (terms: [([UInt8], IndexedTerm)], truncated: Bool) {
        if segments.count == 1 && segments[0].deletions.isEmpty {
            let (found, truncated) = try segments[0].segment.terms.terms(withPrefix: prefix, limit: limit)
            return (found.map { ($0.0, IndexedTerm(documentFrequency: $0.1.documentFrequency, infos: [$0.1])) }, truncated)
        }
        var keys = Set<[UInt8]>()
        for live in segments {
            let (found, truncated) = try live.segment.terms.terms(withPrefix: prefix, limit: limit)
            if truncated { return ([], true) }
            for (key, _) in found { keys.insert(key) }
        }
        var result: [([UInt8], IndexedTerm)] = []
        for key in keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            if let term = try lookup(key: key) { result.append((key, term)) }
        }
        return (result, false)
    }
}

/// A segment as one commit sees it: where its document numbers start and which of its papers are deleted.
struct LiveSegment: Sendable {
    let segment: Segment
    /// The commit's document number of the segment's document 0.
    let base: UInt32
    let deletions: Deletions

    var liveCount: Int { segment.documentCount - deletions.count }

    /// The live document whose id term is `key` (namespace byte first), unless `excluded` says it is gone.
    /// Ids are distinct among live papers; a segment holds one id twice only when a paper was replaced in the
    /// commit that wrote it, and then all copies but one are deleted.
    func document(withID key: [UInt8], excluded: (UInt32) -> Bool = { _ in false }) throws(IndexError) -> UInt32? {
        guard let info = try segment.termInfo(key) else { return nil }
        if info.documentFrequency == 1 {
            let document = info.singleDocument
            return deletions.contains(document) || excluded(document) ? nil : document
        }
        var cursor = segment.cursor(info)
        while cursor.document != PostingsCursor.exhausted {
            if !deletions.contains(cursor.document) && !excluded(cursor.document) { return cursor.document }
            cursor.next()
        }
        if let damage = cursor.damage { throw .corrupt(file: segment.postings.path, reason: damage) }
        return nil
    }
}

/// A term of a commit: how many live papers hold it, and its entry in each segment (nil where absent).
package struct IndexedTerm: Sendable {
    package var documentFrequency: Int
    var infos: [TermInfo?]
}
