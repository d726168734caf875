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
    /// The venue, or the (primary) category for arXiv-like sources.
    public var venue: String?
    public var abstract: String
    /// Every place this paper was found (more than one after duplicates are merged).
    public var sources: [SourceLocation]
    /// Fields the source carried beyond the ones above, kept in the source's order.
    public var extra: JSONObject

    public init(
        id: String, title: String, authors: [String] = [], year: Int? = nil, date: String? = nil,
        venue: String? = nil, abstract: String, sources: [SourceLocation] = [], extra: JSONObject = JSONObject()
    ) {
        self.id = id
        self.title = title
        self.authors = authors
        self.year = year
        self.date = date
        self.venue = venue
        self.abstract = abstract
        self.sources = sources
        self.extra = extra
    }

    /// Folds a second record of the same paper into this one: its sources are added, authors missing here are
    /// appended, and fields empty here are taken from it. What this record already has is kept.
    public mutating func merge(_ other: Paper) {
        for source in other.sources where !sources.contains(source) { sources.append(source) }
        for author in other.authors where !authors.contains(author) { authors.append(author) }
        if title.isEmpty { title = other.title }
        if abstract.isEmpty { abstract = other.abstract }
        if year == nil { year = other.year }
        if date == nil { date = other.date }
        if venue == nil { venue = other.venue }
        for (key, value) in other.extra.pairs where extra[key] == nil { extra[key] = value }
    }

    /// The keys `writeRecord` writes before the extra fields, in order.
    public static let recordKeys = ["id", "title", "authors", "year", "date", "venue", "abstract", "sources"]

    /// Writes the paper as one compact JSON object: the standard keys (id, title, authors, year, date, venue,
    /// abstract, sources), then the extra fields whose keys are not among them (the first of any repeated
    /// key). Read back by `PaperRecord`, it gives the same paper (sources included), which is what makes
    /// `papers corpus --json` a converter. Written straight from the fields: no JSON value is built.
    public func writeRecord(into writer: inout JSONWriter) {
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
        writer.raw(",\"abstract\":")
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
}
