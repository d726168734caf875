/// Reads the researcher profile pages that make up the bundled corpus: text copied from a web page, with the
/// page's own chrome (menus, counters) around the papers. Three layouts occur, alone or mixed:
///
/// 1. **Publication blocks**: a line such as `preprint2025arXiv` (kind, year, venue), then the title, then the
///    abstract. No authors are listed, so the profile's owner (the name at the top of the page) is the author.
/// 2. **Listing entries**: a header `25.1LGMay 25, 2022Code` (an optional score, the category, the listing date
///    whose year may be missing as in `10.0LGMar 16`, and an optional code flag), then the title, the authors
///    (`Zechun Liu, Barlas Oguz, Aasish Pappu et al. · meta-ai, pku`) and the abstract, on separate lines.
/// 3. **Run-together entries**: title and authors on one line with nothing between them
///    (`RBGNet: Ray-based Grouping for 3D Object DetectionHaiyang Wang, Shaoshuai Shi, Ze Yang et al. · pku`),
///    then the abstract, sometimes after a header line as in layout 2.
///
/// Everything else on a page is chrome and is passed over.
enum ProfilePageReader {
    /// One line of a page: its text without surrounding white space, and its 1-based line number.
    struct Line {
        var text: String
        var number: Int
    }

    /// The papers on a page, in page order.
    static func papers(inPage text: String, file: String) -> [Paper] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap {
            index, raw -> Line? in
            let trimmed = TextCleanup.collapsingWhitespace(String(raw))
            return trimmed.isEmpty ? nil : Line(text: trimmed, number: index + 1)
        }
        var papers: [Paper] = []
        var owner: String?
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if let publication = PublicationLine(line.text) {
                let title = lines.line(after: index).filter { !isStart($0.text) }
                let abstract = title == nil ? nil : lines.line(after: index + 1).filter { !isStart($0.text) }
                if let title {
                    var extra = JSONObject()
                    extra["type"] = .string(publication.kind)
                    papers.append(makePaper(
                        title: title.text, authors: owner.map { [$0] } ?? [], year: publication.year,
                        venue: publication.venue, abstract: abstract?.text ?? "", line: line.number, file: file,
                        extra: extra))
                }
                index += 1 + (title == nil ? 0 : 1) + (abstract == nil ? 0 : 1)
            } else if let header = ListingHeader(line.text) {
                if let authorsLine = lines.line(after: index + 1), let authors = AuthorList(authorsLine.text),
                   let title = lines.line(after: index), !isStart(title.text) {
                    let abstract = lines.line(after: index + 2).filter { !isStart($0.text) }
                    papers.append(makePaper(header: header, title: title.text, authors: authors,
                                            abstract: abstract?.text ?? "", line: line.number, file: file))
                    index += 3 + (abstract == nil ? 0 : 1)
                } else if let entry = lines.line(after: index), let (title, authors) = splitRunTogether(entry.text) {
                    let abstract = lines.line(after: index + 1).filter { !isStart($0.text) }
                    papers.append(makePaper(header: header, title: title, authors: authors,
                                            abstract: abstract?.text ?? "", line: line.number, file: file))
                    index += 2 + (abstract == nil ? 0 : 1)
                } else {
                    index += 1
                }
            } else if let (title, authors) = splitRunTogether(line.text),
                      let abstract = lines.line(after: index), !isStart(abstract.text) {
                papers.append(makePaper(header: nil, title: title, authors: authors, abstract: abstract.text,
                                        line: line.number, file: file))
                index += 2
            } else {
                if papers.isEmpty, owner == nil, let name = AuthorList(line.text), name.names.count == 1,
                   !name.hasMore, name.affiliations.isEmpty {
                    owner = name.names[0]
                }
                index += 1
            }
        }
        return papers
    }

    /// Whether a line begins a paper in layout 1 or 2 (used to tell where an entry without an abstract ends).
    static func isStart(_ text: String) -> Bool { PublicationLine(text) != nil || ListingHeader(text) != nil }

    private static func makePaper(
        header: ListingHeader?, title: String, authors: AuthorList, abstract: String, line: Int, file: String
    ) -> Paper {
        var extra = JSONObject()
        if let header {
            if let score = header.score { extra["score"] = .number(score) }
            if header.year == nil { extra["listed"] = .string(header.dateText) }
            if header.hasCode { extra["code"] = .bool(true) }
        }
        if authors.hasMore { extra["more_authors"] = .bool(true) }
        if !authors.affiliations.isEmpty { extra["affiliations"] = .array(authors.affiliations.map { .string($0) }) }
        var paper = makePaper(title: title, authors: authors.names, year: header?.year, venue: nil,
                              abstract: abstract, line: line, file: file, extra: extra)
        if let category = header?.category { paper.categories = [ListingHeader.arxivCategory(category)] }
        if let header, let year = header.year { paper.date = PaperRecord.isoDate(year: year, month: header.month, day: header.day) }
        return paper
    }

    private static func makePaper(
        title: String, authors: [String], year: Int?, venue: String?, abstract: String, line: Int, file: String,
        extra: JSONObject
    ) -> Paper {
        Paper(id: PaperID.derived(fromTitle: title), title: title, authors: authors, year: year, venue: venue,
              abstract: abstract, sources: [SourceLocation(file: file, line: line)], extra: extra)
    }

    /// Splits a run-together "title + authors" line at the earliest place where the rest of the line is a
    /// whole author list and the split falls inside a word (nothing separates title and authors on such lines).
    static func splitRunTogether(_ text: String) -> (title: String, authors: AuthorList)? {
        let characters = Array(text)
        guard characters.count >= 4 else { return nil }
        for index in 1..<characters.count where characters[index].isUppercase && !characters[index - 1].isWhitespace {
            let rest = String(characters[index...])
            guard let authors = AuthorList(rest) else { continue }
            let title = String(characters[..<index]).trimmingCharacters(in: " ")
            if !title.isEmpty { return (title, authors) }
        }
        return nil
    }
}

extension Array where Element == ProfilePageReader.Line {
    /// The line after `index`, if any.
    fileprivate func line(after index: Int) -> ProfilePageReader.Line? {
        index + 1 < count ? self[index + 1] : nil
    }
}

extension Optional where Wrapped == ProfilePageReader.Line {
    fileprivate func filter(_ keep: (Wrapped) -> Bool) -> Wrapped? {
        guard let line = self, keep(line) else { return nil }
        return line
    }
}

/// `preprint2025arXiv`: a lowercase kind, a year, and the venue.
struct PublicationLine {
    var kind: String
    var year: Int
    var venue: String?

    init?(_ text: String) {
        let characters = Array(text)
        var index = 0
        while index < characters.count, characters[index].isLowercase || characters[index] == "-" { index += 1 }
        guard index >= 3, index + 4 <= characters.count,
              characters[index..<(index + 4)].allSatisfy({ $0.isASCII && $0.isNumber }),
              let year = Int(String(characters[index..<(index + 4)])), (1800...2999).contains(year)
        else { return nil }
        let rest = String(characters[(index + 4)...])
        guard !rest.contains(" ") || rest.count < 60 else { return nil }
        kind = String(characters[..<index])
        self.year = year
        venue = rest.isEmpty ? nil : rest
    }
}

/// `25.1LGMay 25, 2022Code`: optional score, category, month and day, optional year, optional code flag.
struct ListingHeader {
    /// The arXiv category a listing's abbreviation stands for: the computer-science subject classes ("LG" ->
    /// "cs.LG") and whole archives ("QUANT-PH" -> "quant-ph"); anything else as printed.
    static func arxivCategory(_ abbreviation: String) -> String {
        if computerScienceClasses.contains(abbreviation) { return "cs." + abbreviation }
        if archives.contains(abbreviation.lowercased()) { return abbreviation.lowercased() }
        return abbreviation
    }

    private static let computerScienceClasses: Set<String> = [
        "AI", "AR", "CC", "CE", "CG", "CL", "CR", "CV", "CY", "DB", "DC", "DL", "DM", "DS", "ET", "FL", "GL", "GR", "GT",
        "HC", "IR", "IT", "LG", "LO", "MA", "MM", "MS", "NA", "NE", "NI", "OH", "OS", "PF", "PL", "RO", "SC", "SD", "SE",
        "SI", "SY",
    ]
    private static let archives: Set<String> = [
        "astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nlin", "nucl-ex",
        "nucl-th", "physics", "quant-ph",
    ]

    var score: String?
    var category: String
    var month: Int
    var day: Int
    var year: Int?
    var hasCode: Bool
    /// The date as printed ("May 25, 2022", "Mar 16").
    var dateText: String

    init?(_ text: String) {
        var rest = Substring(text)
        hasCode = rest.hasSuffix("Code")
        if hasCode { rest = rest.dropLast(4) }
        // Score: digits '.' digits.
        let scoreDigits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        if !scoreDigits.isEmpty {
            guard scoreDigits.contains("."), scoreDigits.first != ".", scoreDigits.last != "." else { return nil }
            score = String(scoreDigits)
            rest = rest.dropFirst(scoreDigits.count)
        }
        // Category: capitals and hyphens; the last capital starts the month ("LGMay" -> "LG" + "May").
        let capitals = rest.prefix { ($0.isASCII && $0.isUppercase) || $0 == "-" }
        guard capitals.count >= 2 else { return nil }
        category = String(capitals.dropLast())
        rest = rest.dropFirst(capitals.count - 1)
        guard category.first?.isUppercase == true, rest.count >= 5 else { return nil }
        guard let month = PaperRecord.monthNumber(rest.prefix(3)), rest.dropFirst(3).first == " " else { return nil }
        self.month = month
        dateText = String(rest)
        rest = rest.dropFirst(4)
        let dayDigits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let day = Int(dayDigits), (1...31).contains(day) else { return nil }
        self.day = day
        rest = rest.dropFirst(dayDigits.count)
        if rest.hasPrefix(", ") {
            let yearDigits = rest.dropFirst(2)
            guard yearDigits.count == 4, let year = Int(yearDigits) else { return nil }
            self.year = year
        } else {
            guard rest.isEmpty else { return nil }
            year = nil
        }
    }
}

/// `Zechun Liu, Barlas Oguz, Aasish Pappu et al. · meta-ai, pku`: names, "et al.", affiliations after "·".
/// A name is two to six words, each capitalised (hyphenated parts may be lowercase, as in "Shih-yang"), an
/// initial such as "J.", or a lowercase particle such as "van" or "de" after the first word.
struct AuthorList {
    var names: [String]
    var hasMore: Bool
    var affiliations: [String]

    init?(_ text: String) {
        var body = Substring(text)
        affiliations = []
        if let dot = body.firstRange(of: " · ") {
            affiliations = body[dot.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: " ") }
                .filter { !$0.isEmpty }
            body = body[..<dot.lowerBound]
            guard !affiliations.isEmpty else { return nil }
        }
        hasMore = body.hasSuffix(" et al.")
        if hasMore { body = body.dropLast(" et al.".count) }
        let parts = body.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " ") }
        guard !parts.isEmpty, parts.allSatisfy(AuthorList.isName) else { return nil }
        names = parts
    }

    private static let particles: Set<String> = [
        "de", "van", "von", "der", "den", "la", "le", "da", "di", "du", "del", "dos", "das", "bin", "al", "el", "ter",
    ]

    static func isName(_ text: String) -> Bool {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard (2...6).contains(words.count) else { return false }
        for (position, word) in words.enumerated() {
            if position > 0, particles.contains(String(word)) { continue }
            guard isNameWord(word) else { return false }
        }
        return true
    }

    /// "Zechun", "Shih-Yang", "Shih-yang", "O'Neil", "J.", "Yi-Ge" — but not "DetectionHaiyang" or "PLUG".
    private static func isNameWord(_ word: Substring) -> Bool {
        guard let first = word.first, first.isUppercase else { return false }
        if word.count == 2, word.last == "." { return true }  // an initial
        var previous = first
        for character in word.dropFirst() {
            if character.isUppercase {
                guard previous == "-" || previous == "'" else { return false }
            } else if character == "-" || character == "'" {
                guard previous.isLetter else { return false }
            } else if !character.isLetter {
                return false
            }
            previous = character
        }
        return previous.isLetter
    }
}
