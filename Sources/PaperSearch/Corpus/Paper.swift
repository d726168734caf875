/// Where a paper was found: a file and a 1-based line number.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// One paper: the record every corpus reader produces and the index stores.
public struct Paper: Hashable, Sendable {
    /// The id the source gave, or one derived from the normalised title (see `PaperID`).
    public var id: String
    public var title: String
    /// Author names in the order the source lists them.
    public var authors: [String]
    public var year: Int?
    /// The full date as `YYYY-MM-DD`, where the source gives one.
    public var date: String?
    /// Where the paper appeared (a journal, a conference, "arXiv").
    public var venue: String?
    /// Subject categories, such as arXiv's "cs.LG" (primary first).
    public var categories: [String]
    public var abstract: String
    /// Every place this paper was found (more than one after duplicates are merged).
    public var sources: [SourceLocation]
    /// Fields the source carried beyond the ones above, kept in the source's order.
    public var extra: JSONObject

    public init(
        id: String, title: String, authors: [String] = [], year: Int? = nil, date: String? = nil,
        venue: String? = nil, categories: [String] = [], abstract: String, sources: [SourceLocation] = [],
        extra: JSONObject = JSONObject()
    ) {
        self.id = id
        self.title = title
        self.authors = authors
        self.year = year
        self.date = date
        self.venue = venue
        self.categories = categories
        self.abstract = abstract
        self.sources = sources
        self.extra = extra
    }

    /// Years a paper may have; a source's year outside them is dropped (and reported by the reader).
    public static let yearRange = 1000...2999
    /// The longest id, in UTF-8 bytes.
    public static let idLengthLimit = 512
    /// The most sources a merged paper lists; beyond them, `extra["more_sources"]` counts the rest.
    public static let sourceLimit = 100
    /// The most authors merging adds up to (collaborations list thousands; a corpus repeating an id with ever
    /// new names must not grow one record without bound).
    public static let authorLimit = 10_000

    /// Folds a second record of the same paper into this one: its sources are added, authors missing here are
    /// appended, and fields empty here are taken from it. What this record already has is kept.
    public mutating func merge(_ other: Paper) {
        var merger = PaperMerger(self)
        merger.merge(other)
        self = merger.paper
    }

    /// The key of the count of sources left out of `sources` (see `sourceLimit`).
    static let moreSourcesKey = "more_sources"

    /// The keys `writeRecord` writes before the extra fields, in order.
    public static let recordKeys = ["id", "title", "authors", "year", "date", "venue", "categories", "abstract", "sources"]

    /// Writes the paper as one compact JSON object: the standard keys (id, title, authors, year, date, venue,
    /// categories, abstract, sources), then the extra fields whose keys are not among them (the first of any repeated
    /// key). Read back by `PaperRecord`, it gives the same paper (sources included), which is what makes
    /// `papers corpus --json` a converter; the index reads its stored records back with
    /// `init(storedRecord:)`. Written straight from the fields: no JSON value is built.
    package func writeRecord(into writer: inout JSONWriter) {
        func optional(_ text: String?) {
            if let text { writer.writeString(text) } else { writer.raw("null") }
        }
        writer.raw("{\"id\":")
        writer.writeString(id)
        writer.raw(",\"title\":")
        writer.writeString(title)
        writer.raw(",\"authors\":[")
        for (index, author) in authors.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.writeString(author)
        }
        writer.raw("],\"year\":")
        if let year { writer.raw(String(year)) } else { writer.raw("null") }
        writer.raw(",\"date\":")
        optional(date)
        writer.raw(",\"venue\":")
        optional(venue)
        writer.raw(",\"categories\":[")
        for (index, category) in categories.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.writeString(category)
        }
        writer.raw("],\"abstract\":")
        writer.writeString(abstract)
        writer.raw(",\"sources\":[")
        for (index, source) in sources.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{\"file\":")
            writer.writeString(source.file)
            writer.raw(",\"line\":")
            writer.raw(String(source.line))
            writer.raw("}")
        }
        writer.raw("]")
        var written = Paper.recordKeys
        for (key, value) in extra.pairs where !written.contains(key) {
            written.append(key)
            writer.raw(",")
            writer.writeString(key)
            writer.raw(":")
            writer.write(value)
        }
        writer.raw("}")
    }

    /// The paper a stored record holds (`writeRecord`'s object), read back field for field, in one pass over
    /// its bytes: a stored paper was normalised when it was first read, so nothing is cleaned, derived or
    /// filled in again (a year dropped from the source stays unknown; a paper without sources has none). Nil
    /// when the bytes are not such an object, or a field is not of the type `writeRecord` gives it.
    init?(storedRecord bytes: [UInt8]) {
        var paper = Paper(id: "", title: "", abstract: "")
        var hasID = false
        let read = unsafe bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) {
                try unsafe JSONParser.readObject(buffer) { (key: String, value: inout JSONFieldReader) throws(JSONSyntaxError) in
                    // Each key told by its length first.
                    switch (key.utf8.count, key) {
                    case (2, "id"):
                        guard let id = try value.stringOrNull() else { throw JSONSyntaxError(offset: 0, reason: "a null id") }
                        paper.id = id
                        hasID = true
                    case (5, "title"): paper.title = try value.stringOrNull() ?? ""
                    case (8, "abstract"): paper.abstract = try value.stringOrNull() ?? ""
                    case (7, "authors"): paper.authors = try value.strings()
                    case (10, "categories"): paper.categories = try value.strings()
                    case (4, "date"): paper.date = try value.stringOrNull()
                    case (5, "venue"): paper.venue = try value.stringOrNull()
                    case (4, "year"): paper.year = try value.integerOrNull()
                    case (7, "sources"):
                        guard case let .array(items) = try value.value() else { throw JSONSyntaxError(offset: 0, reason: "sources") }
                        paper.sources = []
                        for item in items {
                            guard case let .object(source) = item, case let .string(file)? = source["file"],
                                  let line = source["line"]?.integerValue else { throw JSONSyntaxError(offset: 0, reason: "a source") }
                            paper.sources.append(SourceLocation(file: file, line: line))
                        }
                    default:
                        paper.extra[key] = try value.value()
                    }
                }
                return true
            } catch {
                return false
            }
        }
        guard read, hasID else { return nil }
        self = paper
    }
}

/// Merges any number of records of one paper in time and memory linear in what is merged: the authors and
/// sources already held are kept in sets, and lists stop growing at `Paper.authorLimit` and
/// `Paper.sourceLimit` (the sources left out are counted in `extra["more_sources"]`).
struct PaperMerger {
    private(set) var paper: Paper
    private var authors: Set<String>
    private var sources: Set<SourceLocation>
    private var moreSources: Int

    init(_ paper: Paper) {
        self.paper = paper
        authors = Set(paper.authors)
        sources = Set(paper.sources)
        moreSources = paper.extra[Paper.moreSourcesKey]?.integerValue ?? 0
    }

    mutating func merge(_ other: Paper) {
        for source in other.sources where !sources.contains(source) {
            if paper.sources.count < Paper.sourceLimit {
                sources.insert(source)
                paper.sources.append(source)
            } else {
                moreSources += 1
            }
        }
        moreSources += other.extra[Paper.moreSourcesKey]?.integerValue ?? 0
        if paper.authors != other.authors {
            for author in other.authors where paper.authors.count < Paper.authorLimit && !authors.contains(author) {
                authors.insert(author)
                paper.authors.append(author)
            }
        }
        if paper.title.isEmpty { paper.title = other.title }
        if paper.abstract.isEmpty { paper.abstract = other.abstract }
        if paper.year == nil { paper.year = other.year }
        if paper.date == nil { paper.date = other.date }
        if paper.venue == nil { paper.venue = other.venue }
        for category in other.categories where !paper.categories.contains(category) { paper.categories.append(category) }
        for (key, value) in other.extra.pairs where paper.extra[key] == nil && key != Paper.moreSourcesKey { paper.extra[key] = value }
        if moreSources > 0 { paper.extra[Paper.moreSourcesKey] = .integer(moreSources) }
    }
}
