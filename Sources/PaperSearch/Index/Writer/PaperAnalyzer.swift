/// A paper turned into what the inverter needs: each distinct term once (namespace byte + bytes), with its
/// table key (`TermKey`) and its postings entry already encoded (title frequency, abstract frequency and
/// position deltas, the `Inverter` stream format less the document gap), plus the field lengths, the year
/// and the stored record's bytes. Making one is the expensive, parallel part of indexing; consuming it
/// (`Inverter.add`) is the ordered, serial part, and costs one table lookup and one copy per distinct term.
struct AnalyzedPaper: Sendable {
    /// Distinct terms in order of first occurrence: namespace byte + term bytes, ending at `termEnds[i]`.
    var termBytes: [UInt8] = []
    var termEnds: [Int32] = []
    var termKeys: [UInt64] = []
    /// Per distinct term, its encoded entry, ending at `entryEnds[i]` in `entries`.
    var entries: [UInt8] = []
    var entryEnds: [Int32] = []
    var titleLength: UInt32 = 0
    var abstractLength: UInt32 = 0
    var year: UInt16 = 0
    /// The date key and facet values (see `DocValuesWriter`).
    var date: UInt32 = 0
    var facetValues: [[DocValuesWriter.FacetValue]] = []
    var id = ""
    var record: [UInt8] = []
    /// The record compressed against `recordDictionary`, when the analyser was given one (see `DocStoreWriter`).
    var compressedRecord: [UInt8] = []
    var recordDictionary: RecordDictionary?

    var termCount: Int { termKeys.count }

    mutating func removeAll() {
        termBytes.removeAll(keepingCapacity: true)
        termEnds.removeAll(keepingCapacity: true)
        termKeys.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        entryEnds.removeAll(keepingCapacity: true)
        record.removeAll(keepingCapacity: true)
    }
}

/// Analyses papers for indexing: title and abstract with the index's analyzer; author names word by word
/// (folded, not stemmed) with each word's initial; the venue whole and word by word; each category whole and
/// its archive; the id whole (see `FieldNamespace`). One per thread.
struct PaperAnalyzer {
    let analyzer: Analyzer
    private let keywordAnalyzer = Analyzer(stemmer: .none, stopWords: .none)
    private var scratch = AnalyzerScratch()
    private var keywordScratch = AnalyzerScratch()
    private var grouper = DocumentTermGrouper()
    /// A compressor for the dictionary last given (made once per dictionary: it hashes the dictionary).
    private var compressor: (dictionary: RecordDictionary, compressor: RecordCompression.Compressor)?

    init(analyzer: Analyzer) { self.analyzer = analyzer }

    /// Receives the analyzer's terms into an `AnalyzedPaper`, grouped by term.
    private struct Sink: TermSink {
        var paper = AnalyzedPaper()
        var grouper = DocumentTermGrouper()
        var namespace: FieldNamespace = .text
        var positionBase = 0

        init() {}

        mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
            grouper.add(term, namespace: namespace, position: positionBase + position)
            // An author's word also stands as its initial ("zechun" -> "z."), so that "Z. Liu" finds it.
            if namespace == .author, let initial = AuthorName.initial(of: term) {
                grouper.add(initial.span, namespace: .author, position: positionBase + position)
            }
        }

        mutating func add(_ term: Span<UInt8>, _ namespace: FieldNamespace) {
            grouper.add(term, namespace: namespace, position: 0)
        }
    }

    /// Analyses a paper; with a `dictionary`, its record is compressed too (the costly part of storing it).
    mutating func analyze(_ paper: Paper, into result: inout AnalyzedPaper, dictionary: RecordDictionary? = nil) {
        result.removeAll()
        var sink = Sink()
        swap(&sink.paper, &result)
        swap(&sink.grouper, &grouper)
        sink.grouper.begin()
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
        if let venue = paper.venue.map(PaperAnalyzer.keyword), !venue.isEmpty {
            let bytes = Array(venue.utf8)
            sink.add(bytes.span, .venue)
            keywordAnalyzer.analyze(venue, scratch: &keywordScratch, into: &sink)
        }
        for category in PaperAnalyzer.categoryTerms(of: paper) {
            let bytes = Array(category.utf8)
            sink.add(bytes.span, .category)
        }
        let id = Array(paper.id.utf8)
        sink.add(id.span, .id)
        sink.grouper.finish(&sink.paper)
        swap(&sink.grouper, &grouper)
        swap(&sink.paper, &result)
        result.titleLength = UInt32(titleLength)
        result.abstractLength = UInt32(abstractLength)
        result.year = paper.year.flatMap { (1...65_535).contains($0) ? UInt16($0) : nil } ?? 0
        result.date = DocValuesWriter.dateKey(paper)
        result.facetValues = DocValuesWriter.facetValues(paper)
        var writer = JSONWriter()
        writer.reserveCapacity(paper.title.utf8.count + paper.abstract.utf8.count + 512)
        paper.writeRecord(into: &writer)
        result.id = paper.id
        result.record = writer.bytes
        result.recordDictionary = dictionary
        result.compressedRecord.removeAll(keepingCapacity: true)
        if let dictionary {
            if compressor?.dictionary !== dictionary { compressor = (dictionary, RecordCompression.Compressor(dictionary: dictionary.bytes)) }
            compressor?.compressor.compress(result.record, into: &result.compressedRecord)
        }
    }

    /// A venue or category as matched whole: white space collapsed, lower case.
    static func keyword(_ text: String) -> String { TextCleanup.collapsingWhitespace(text).lowercased() }

    /// The category terms of a paper: each category whole ("cs.lg") and its archive ("cs"), each once.
    static func categoryTerms(of paper: Paper) -> [String] {
        var terms: [String] = []
        for category in paper.categories {
            let whole = keyword(category)
            guard !whole.isEmpty else { continue }
            if !terms.contains(whole) { terms.append(whole) }
            if let dot = whole.firstIndex(of: "."), dot != whole.startIndex {
                let archive = String(whole[..<dot])
                if !terms.contains(archive) { terms.append(archive) }
            }
        }
        return terms
    }
}
