/// Turns one JSON object into a `Paper`. One mapping serves every JSON form PaperSearch reads:
///
/// - **JSON Lines** of our own and of the datasets: `id`, `title`, `abstract`, optional `authors`
///   (a list, or one string "A, B and C"), `year`, `date` (else `first_listed`, as arxiv-daily has it),
///   `venue` (or `journal`), `categories` (a list, or one string "cs.CL cs.LG").
/// - **BEIR** `corpus.jsonl`: `_id`, `title`, `text` (the abstract), `metadata`.
/// - **The arXiv metadata snapshot**: `id`, `title`, `authors` (one string) with `authors_parsed`
///   (`[[last, first, suffix], ...]`), `abstract`, `categories` ("cs.CL cs.LG"), `versions`
///   (`[{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}, ...]`), `update_date`, and more.
///   Hard line breaks and runs of spaces in titles and abstracts are normalised.
/// - **`papers corpus --json` output**, whose `sources` are taken as the paper's sources, so that the
///   converter's output reads back unchanged.
///
/// Fields the mapping does not use are kept in `Paper.extra`, in the source's order.
///
/// An id must be usable in a TREC run file, whose fields are separated by white space: at most
/// `Paper.idLengthLimit` bytes, without white space or control characters (such a record is rejected, not
/// changed). A year outside `Paper.yearRange` is dropped and said.
enum PaperRecord {
    enum Problem: Error, Equatable {
        case noTitleOrAbstract
        case badID(String)
    }

    /// A paper and what was changed to read it.
    struct Reading {
        var paper: Paper
        /// The year as given, when it was dropped for lying outside `Paper.yearRange`.
        var droppedYear: String?
    }

    static func paper(from object: JSONObject, location: SourceLocation) throws(Problem) -> Paper {
        try read(object, location: location).paper
    }

    static func read(_ object: JSONObject, location: SourceLocation) throws(Problem) -> Reading {
        var used: Set<String> = []
        func take(_ keys: String...) -> JSONValue? {
            for key in keys {
                guard let value = object[key] else { continue }
                used.insert(key)  // a null is consumed too: it means "unknown", as our own output writes it
                if value != .null { return value }
            }
            return nil
        }
        func text(_ value: JSONValue?) -> String? {
            guard let raw = value?.stringOrNumberText else { return nil }
            let cleaned = TextCleanup.collapsingWhitespace(raw)
            return cleaned.isEmpty ? nil : cleaned
        }

        let title = text(take("title")) ?? ""
        let abstract = text(take("abstract", "text", "summary")) ?? ""
        guard !title.isEmpty || !abstract.isEmpty else { throw .noTitleOrAbstract }

        let givenID = text(take("id", "_id"))
        if let givenID, let problem = PaperRecord.idProblem(givenID) { throw .badID(problem) }
        let authors = authorList(object, used: &used)
        // The paper's own date: given, else arXiv's first version, else the day a listing first showed it.
        let firstVersionDate = object["versions"].flatMap(firstVersionDate(of:))
        var date = text(take("date")).map(normalizedDate) ?? firstVersionDate
        if date == nil, let listed = text(object["first_listed"]) { date = normalizedDate(listed) }
        var droppedYear: String?
        let givenYear = take("year")
        var year = givenYear?.integerValue
        if let given = givenYear, year == nil || !Paper.yearRange.contains(year ?? 0) {
            droppedYear = given.stringOrNumberText.map { String($0.prefix(20)) } ?? "a non-number"
            year = nil
        }
        if year == nil, droppedYear == nil, let date, let fromDate = Int(date.prefix(4)), Paper.yearRange.contains(fromDate) {
            year = fromDate
        }
        if year == nil, droppedYear == nil, let givenID { year = arxivYear(fromID: givenID) }
        let venue = text(take("venue", "journal"))
        let categories = take("categories").map(categoryList) ?? []

        var sources: [SourceLocation] = []
        if case let .array(items)? = object["sources"] {
            for item in items {
                if case let .object(source) = item, let file = source["file"]?.stringOrNumberText,
                   let line = source["line"]?.integerValue {
                    sources.append(SourceLocation(file: file, line: line))
                }
            }
            if !sources.isEmpty { used.insert("sources") }
        }
        if sources.isEmpty { sources = [location] }

        var extra = JSONObject()
        for (key, value) in object.pairs where !used.contains(key) { extra[key] = value }
        let paper = Paper(
            id: givenID ?? PaperID.derived(fromTitle: title.isEmpty ? abstract : title),
            title: title, authors: authors, year: year, date: date, venue: venue, categories: categories,
            abstract: abstract, sources: sources, extra: extra)
        return Reading(paper: paper, droppedYear: droppedYear)
    }

    /// Why an id cannot be used, or nil when it can.
    static func idProblem(_ id: String) -> String? {
        if id.utf8.count > Paper.idLengthLimit { return "longer than \(Paper.idLengthLimit) bytes" }
        for scalar in id.unicodeScalars where scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            return "it holds white space or a control character (\"\(id.prefix(40))\"); ids must be one word, as TREC run files need"
        }
        return nil
    }

    /// Authors from a list (of names, or of objects with a `name`), from the arXiv snapshot's
    /// `authors_parsed`, or from one string split at commas, semicolons and "and".
    private static func authorList(_ object: JSONObject, used: inout Set<String>) -> [String] {
        switch object["authors"] {
        case let .array(items)?:
            used.insert("authors")
            return items.compactMap { item -> String? in
                switch item {
                case let .string(name): return nonEmpty(TextCleanup.collapsingWhitespace(name))
                case let .object(author): return author["name"]?.stringOrNumberText.flatMap { nonEmpty(TextCleanup.collapsingWhitespace($0)) }
                default: return nil
                }
            }
        case let .string(names)?:
            used.insert("authors")
            if case let .array(parsed)? = object["authors_parsed"] {
                let fromParsed = parsed.compactMap(nameFromParsed)
                if !fromParsed.isEmpty { return fromParsed }
            }
            return splitAuthorString(names)
        default:
            return []
        }
    }

    /// `["Balázs", "C.", ""]` -> "C. Balázs"; `["Smith", "J.", "Jr"]` -> "J. Smith Jr".
    private static func nameFromParsed(_ value: JSONValue) -> String? {
        guard case let .array(parts) = value else { return nil }
        let strings = parts.compactMap { $0.stringOrNumberText }.map(TextCleanup.collapsingWhitespace)
        guard let last = strings.first, !last.isEmpty else { return nil }
        var name = [strings.count > 1 ? strings[1] : "", last].filter { !$0.isEmpty }.joined(separator: " ")
        if strings.count > 2, !strings[2].isEmpty { name += " " + strings[2] }
        return name
    }

    /// "A. Smith, B. Jones and C. Wu" -> three names; a trailing "et al." is dropped.
    static func splitAuthorString(_ names: String) -> [String] {
        var text = TextCleanup.collapsingWhitespace(names)
        if text.hasSuffix(" et al.") { text.removeLast(" et al.".count) }
        var result: [String] = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            var piece = part.trimmingCharacters(in: " ")
            if piece.hasPrefix("and ") { piece.removeFirst(4) }
            for name in piece.split(separator: " and ") {
                let name = name.trimmingCharacters(in: " ")
                if !name.isEmpty { result.append(name) }
            }
        }
        return result
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

    /// The creation date of the first version in an arXiv `versions` list, as `YYYY-MM-DD`.
    private static func firstVersionDate(of versions: JSONValue) -> String? {
        guard case let .array(items) = versions, case let .object(first)? = items.first,
              let created = first["created"]?.stringOrNumberText
        else { return nil }
        return normalizedDate(created)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Month number (1...12) of an English month name or its three-letter abbreviation.
    static func monthNumber(_ name: Substring) -> Int? {
        let lower = name.lowercased()
        guard lower.count >= 3 else { return nil }
        return months.firstIndex(of: String(lower.prefix(3))).map { $0 + 1 }
    }

    /// `YYYY-MM-DD` for ISO dates (a time part is dropped) and for RFC 2822 dates such as
    /// "Mon, 2 Apr 2007 19:18:42 GMT"; other text is returned as given.
    static func normalizedDate(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: " ")
        let bytes = Array(trimmed.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && range.allSatisfy { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
        }
        if digits(0..<4), bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), digits(5..<7), bytes[7] == UInt8(ascii: "-"),
           digits(8..<10) {
            return String(trimmed.prefix(10))
        }
        let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "," })
        for (index, word) in words.enumerated() where index >= 1 && index + 1 < words.count {
            if let month = monthNumber(word), let day = Int(words[index - 1]), let year = Int(words[index + 1]),
               (1...31).contains(day), (1000...9999).contains(year) {
                return isoDate(year: year, month: month, day: day)
            }
        }
        return trimmed
    }

    static func isoDate(year: Int, month: Int, day: Int) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// The year of a new-style arXiv id ("0704.0001" -> 2007, "2503.11677" -> 2025) or an old-style one
    /// ("math/0406123" -> 2004).
    static func arxivYear(fromID id: String) -> Int? {
        let tail = id.split(separator: "/").last.map(String.init) ?? id
        let bytes = Array(tail.utf8)
        guard bytes.count >= 7, bytes.prefix(4).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let isNewStyle = bytes[4] == UInt8(ascii: ".")
        let isOldStyle = id.contains("/") && bytes.count == 7
        guard isNewStyle || isOldStyle, let yy = Int(tail.prefix(2)), let mm = Int(tail.dropFirst(2).prefix(2)),
              (1...12).contains(mm)
        else { return nil }
        return yy >= 91 ? 1900 + yy : 2000 + yy
    }

    /// The categories of a `categories` field: a space-separated string (the arXiv snapshot) or a list.
    private static func categoryList(_ value: JSONValue) -> [String] {
        var result: [String] = []
        func add(_ text: String) {
            let category = TextCleanup.collapsingWhitespace(text)
            if !category.isEmpty && !result.contains(category) { result.append(category) }
        }
        switch value {
        case let .string(text): text.split(whereSeparator: { $0 == " " || $0 == "," }).forEach { add(String($0)) }
        case let .array(items): items.compactMap(\.stringOrNumberText).forEach(add)
        default: break
        }
        return result
    }
}

extension StringProtocol {
    /// The text without leading and trailing `character`s.
    func trimmingCharacters(in character: Character) -> String {
        var slice = self[...]
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}
