/// A paper turned into what the inverter needs: every term occurrence of every field (namespace, bytes,
/// position), the field lengths, the year, and the stored record's bytes. Making one is the expensive,
/// parallel part of indexing; consuming it (`IndexWriter.add(_:AnalyzedPaper)`) is the ordered, serial part.
struct AnalyzedPaper: Sendable {
    var termBytes: [UInt8] = []
    /// Where each term ends in `termBytes` (the next starts there).
    var termEnds: [Int32] = []
    var namespaces: [FieldNamespace] = []
    var positions: [Int32] = []
    var titleLength: UInt32 = 0
    var abstractLength: UInt32 = 0
    var year: UInt16 = 0
    var id = ""
    var record: [UInt8] = []

    mutating func removeAll() {
        termBytes.removeAll(keepingCapacity: true)
        termEnds.removeAll(keepingCapacity: true)
        namespaces.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        record.removeAll(keepingCapacity: true)
    }

    mutating func append(_ term: Span<UInt8>, _ namespace: FieldNamespace, _ position: Int) {
        for index in term.indices { termBytes.append(term[index]) }
        termEnds.append(Int32(termBytes.count))
        namespaces.append(namespace)
        positions.append(Int32(truncatingIfNeeded: position))
    }
}

/// Analyses papers for indexing: title and abstract with the index's analyzer, author names and venues
/// word by word (folded, not stemmed) plus each venue and category whole, and the id whole. One per thread.
struct PaperAnalyzer {
    let analyzer: Analyzer
    private let keywordAnalyzer = Analyzer(stemmer: .none, stopWords: .none)
    private var scratch = AnalyzerScratch()
    private var keywordScratch = AnalyzerScratch()

    init(analyzer: Analyzer) { self.analyzer = analyzer }

    /// Receives the analyzer's terms into an `AnalyzedPaper`.
    private struct Sink: TermSink {
        var paper = AnalyzedPaper()
        var namespace: FieldNamespace = .text
        var positionBase = 0

        init() {}

        mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
            paper.append(term, namespace, positionBase + position)
        }
    }

    mutating func analyze(_ paper: Paper, into result: inout AnalyzedPaper) {
        result.removeAll()
        var sink = Sink()
        swap(&sink.paper, &result)
        let titleLength = analyzer.analyze(paper.title, scratch: &scratch, into: &sink)
        sink.positionBase = IndexFormat.abstractPositionBase
        let abstractLength = analyzer.analyze(paper.abstract, scratch: &scratch, into: &sink)
        sink.namespace = .author
        for (index, name) in paper.authors.prefix(1000).enumerated() {
            sink.positionBase = index * IndexFormat.authorPositionGap
            keywordAnalyzer.analyze(name, scratch: &keywordScratch, into: &sink)
        }
        sink.namespace = .venue
        sink.positionBase = 0
        for keyword in PaperAnalyzer.venueKeywords(of: paper) {
            let bytes = Array(keyword.utf8)
            sink.paper.append(bytes.span, .venue, 0)
            keywordAnalyzer.analyze(keyword, scratch: &keywordScratch, into: &sink)
        }
        let id = Array(paper.id.utf8)
        sink.paper.append(id.span, .id, 0)
        swap(&sink.paper, &result)
        result.titleLength = UInt32(titleLength)
        result.abstractLength = UInt32(abstractLength)
        result.year = paper.year.flatMap { (1...65_535).contains($0) ? UInt16($0) : nil } ?? 0
        var writer = JSONWriter()
        writer.write(.object(paper.jsonRecord))
        result.id = paper.id
        result.record = writer.bytes
    }

    /// The venue and the categories, each lowercased: what `venue:` and `category:` match whole.
    static func venueKeywords(of paper: Paper) -> [String] {
        var keywords: [String] = []
        func add(_ text: String) {
            let keyword = TextCleanup.collapsingWhitespace(text).lowercased()
            if !keyword.isEmpty && !keywords.contains(keyword) { keywords.append(keyword) }
        }
        if let venue = paper.venue { add(venue) }
        switch paper.extra["categories"] {
        case let .string(text)?: text.split(separator: " ").forEach { add(String($0)) }
        case let .array(items)?: items.compactMap(\.stringOrNumberText).forEach(add)
        default: break
        }
        return keywords
    }
}
