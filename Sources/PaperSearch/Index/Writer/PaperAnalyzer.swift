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

    /// Receives the analyzer's terms into an `AnalyzedPaper`, grouped by term; keeps a copy of those within
    /// the byte ranges of the acronym definitions in the text (`capture`).
    private struct Sink: TermSink {
        var paper = AnalyzedPaper()
        var grouper = DocumentTermGrouper()
        var namespace: FieldNamespace = .text
        var positionBase = 0
        /// Byte ranges in order, whose terms are copied into `captured` (one list a range); `captureStart` is
        /// the first that a term may still fall in (`Int.max`: none), so that other terms cost one compare.
        var captureRanges: [Range<Int>] = []
        var captured: [[(term: [UInt8]?, position: Int)]] = []
        private var captureIndex = 0
        private var captureStart = Int.max

        init() {}

        mutating func capture(_ ranges: [Range<Int>]) {
            captureRanges = ranges
            captured = Array(repeating: [], count: ranges.count)
            captureIndex = 0
            captureStart = ranges.first?.lowerBound ?? Int.max
        }

        mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
            if start >= captureStart { keep(term, position: position, start: start, end: end) }
            grouper.add(term, namespace: namespace, position: positionBase + position)
            // An author's word also stands as its initial ("zechun" -> "z."), so that "Z. Liu" finds it.
            if namespace == .author, let initial = AuthorName.initial(of: term) {
                grouper.add(initial.span, namespace: .author, position: positionBase + position)
            }
        }

        mutating func add(_ term: Span<UInt8>, _ namespace: FieldNamespace) {
            grouper.add(term, namespace: namespace, position: 0)
        }

        private mutating func keep(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
            while captureIndex < captureRanges.count && captureRanges[captureIndex].upperBound <= start { captureIndex += 1 }
            guard captureIndex < captureRanges.count else {
                captureStart = Int.max
                return
            }
            captureStart = captureRanges[captureIndex].lowerBound
            guard start >= captureStart && end <= captureRanges[captureIndex].upperBound else { return }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(term.count)
            for index in term.indices { bytes.append(term[index]) }
            captured[captureIndex].append((bytes, position))
        }
    }

    /// Analyses a paper; with a `dictionary`, its record is compressed too (the costly part of storing it).
    mutating func analyze(_ paper: Paper, into result: inout AnalyzedPaper, dictionary: RecordDictionary? = nil) {
        result.removeAll()
        var sink = Sink()
        swap(&sink.paper, &result)
        swap(&sink.grouper, &grouper)
        sink.grouper.begin()
        var longForms: [[UInt8]] = []
        let titleLength = analyzeText(paper.title, into: &sink, recording: &longForms)
        sink.positionBase = IndexFormat.abstractPositionBase
        let abstractLength = analyzeText(paper.abstract, into: &sink, recording: &longForms)
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
            if compressor?.dictionary !== dictionary { compressor = (dictionary, RecordCompression.Compressor(dictionary: dictionary.bytes, codes: dictionary.codes)) }
            compressor?.compressor.compress(result.record, into: &result.compressedRecord)
        }
    }

    /// Analyses a title or an abstract, and adds the terms of the acronyms it defines (`SchwartzHearst`,
    /// `AcronymTerms`) from the terms the analysis made of them; `recorded`: the long-form terms the paper
    /// has added, so that it records each pair once. Returns the field length.
    private mutating func analyzeText(_ text: String, into sink: inout Sink, recording recorded: inout [[UInt8]]) -> Int {
        var text = text
        text.makeContiguousUTF8()
        let definitions = SchwartzHearst.definitions(in: text.utf8.span)
        sink.capture(definitions.flatMap { [$0.longForm, $0.shortForm] })
        let length = analyzer.analyze(text, scratch: &scratch, into: &sink)
        guard !definitions.isEmpty else { return length }
        let captured = sink.captured
        sink.capture([])
        let utf8 = Array(text.utf8)
        for (index, definition) in definitions.enumerated() {
            let written = String(decoding: utf8[definition.longForm], as: UTF8.self)
            guard let terms = AcronymTerms.terms(shortForm: captured[2 * index + 1], longForm: captured[2 * index],
                                                 written: written),
                  !recorded.contains(terms.longForm) else { continue }
            recorded.append(terms.longForm)
            sink.add(terms.definition.span, .acronym)
            sink.add(terms.longForm.span, .acronym)
        }
        return length
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
