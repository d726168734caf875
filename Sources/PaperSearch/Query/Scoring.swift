/// What scoring needs of a term, trivially copyable (a `PlanTerm` carries arrays and strings).
struct TermWeight {
    var weight: Double
    var field: QueryField
    var namespace: FieldNamespace

    init(_ term: PlanTerm) {
        weight = term.weight
        field = term.field
        namespace = term.namespace
    }
}

/// Per-query scoring: BM25F constants, the norms, and each term's weight and field.
struct ScoringContext {
    let scorer: BM25.Scorer
    let norms: Norms
    let parameters: BM25Parameters
    let indexParameters: BM25Parameters
    /// Whether the stored block maxima were computed with these parameters.
    let sameParameters: Bool

    /// `scorer` is the searcher's, made for `parameters` and the index's statistics.
    init(index: SearchIndex, parameters: BM25Parameters, scorer: BM25.Scorer) {
        self.scorer = scorer
        norms = index.norms
        self.parameters = parameters
        indexParameters = index.manifest.parameters
        sameParameters = parameters == indexParameters
    }

    /// The term's saturation in a document, or nil when the term is not in the term's field there.
    /// (Frequencies are passed, not the cursor, so that no cursor is copied on the hot path.)
    @inline(__always)
    func saturation(_ document: UInt32, _ titleFrequency: UInt32, _ abstractFrequency: UInt32, _ term: TermWeight) -> Double? {
        guard term.namespace == .text else { return PostingsFieldSaturation.of(term.namespace, titleFrequency, k1: parameters.k1) }
        let title = term.field == .abstract ? 0 : titleFrequency
        let abstract = term.field == .title ? 0 : abstractFrequency
        guard title > 0 || abstract > 0 else { return nil }
        let lengths = norms.lengths(document)
        return scorer.saturation(titleFrequency: title, abstractFrequency: abstract, titleLength: lengths.title, abstractLength: lengths.abstract)
    }

    /// Whether the paper's year lies in every range (a paper without a year lies in none).
    @inline(__always)
    func inYears(_ document: UInt32, _ years: [ClosedRange<Int>]) -> Bool {
        guard !years.isEmpty else { return true }
        guard let year = norms.year(document) else { return false }
        return years.allSatisfy { $0.contains(year) }
    }

    /// The term's part of the score of the cursor's current document (weight × saturation, quantized), or
    /// nil when the term is not in the term's field there.
    @inline(__always)
    func contribution(_ cursor: inout PostingsCursor, _ term: TermWeight) -> Double? {
        contribution(cursor.document, cursor.titleFrequency, cursor.abstractFrequency, term)
    }

    /// The same, from a document's frequencies.
    @inline(__always)
    func contribution(_ document: UInt32, _ titleFrequency: UInt32, _ abstractFrequency: UInt32, _ term: TermWeight) -> Double? {
        guard let saturation = saturation(document, titleFrequency, abstractFrequency, term) else { return nil }
        return BM25.quantized(term.weight * saturation)
    }

    /// Bounds are inflated by this factor (stored maxima are single-precision, scores double) and by
    /// `boundMargin`, more than the half quantum a contribution may be rounded up by (`BM25.quantized`).
    static let boundSlack = 1 + 1e-6
    static let boundMargin = BM25.scoreQuantum

    /// An upper bound of the term's contribution to any document of one postings block, from the block's
    /// skip entry: its largest saturation, or (for other parameters or a single field) its largest
    /// frequencies and smallest lengths.
    @inline(__always)
    func blockBound(_ term: TermWeight, _ skips: SkipTable, block: Int) -> Double {
        guard term.weight > 0 else { return 0 }
        guard term.namespace == .text else {
            let saturation = PostingsFieldSaturation.of(term.namespace, UInt32(skips.entry(block).maxTitleFrequency), k1: parameters.k1) ?? 0
            return term.weight * saturation * ScoringContext.boundSlack + ScoringContext.boundMargin
        }
        if sameParameters && term.field == .text {
            return term.weight * Double(skips.maxSaturation(block)) * ScoringContext.boundSlack + ScoringContext.boundMargin
        }
        let entry = skips.entry(block)
        // Frequencies saturate at 65,535 in the skip table: there, assume the largest saturation.
        if entry.maxTitleFrequency == .max || entry.maxAbstractFrequency == .max {
            return term.weight * ScoringContext.boundSlack + ScoringContext.boundMargin
        }
        let saturation = scorer.saturation(
            titleFrequency: term.field == .abstract ? 0 : UInt32(entry.maxTitleFrequency),
            abstractFrequency: term.field == .title ? 0 : UInt32(entry.maxAbstractFrequency),
            titleLength: UInt32(entry.minTitleLength), abstractLength: UInt32(entry.minAbstractLength))
        return term.weight * saturation * ScoringContext.boundSlack + ScoringContext.boundMargin
    }

    /// An upper bound of the term's contribution to any document's score.
    func upperBound(_ term: PlanTerm) -> Double {
        guard term.weight > 0 else { return 0 }
        let info = term.info
        guard term.namespace == .text else {
            let frequency = info.documentFrequency == 1 ? info.singleTitleFrequency : info.maxTitleFrequency
            let saturation = PostingsFieldSaturation.of(term.namespace, frequency, k1: parameters.k1) ?? 0
            return term.weight * saturation * ScoringContext.boundSlack + ScoringContext.boundMargin
        }
        let saturation: Double
        if info.documentFrequency == 1 {
            let document = info.singleDocument
            let title = term.field == .abstract ? 0 : info.singleTitleFrequency
            let abstract = term.field == .title ? 0 : info.singleAbstractFrequency
            guard Int(document) < norms.documentCount else { return term.weight }
            let lengths = norms.lengths(document)
            saturation = scorer.saturation(titleFrequency: title, abstractFrequency: abstract,
                                           titleLength: lengths.title, abstractLength: lengths.abstract)
        } else if parameters == indexParameters && term.field == .text {
            saturation = Double(info.maxSaturation)
        } else {
            saturation = scorer.saturation(
                titleFrequency: term.field == .abstract ? 0 : info.maxTitleFrequency,
                abstractFrequency: term.field == .title ? 0 : info.maxAbstractFrequency,
                titleLength: info.minTitleLength, abstractLength: info.minAbstractLength)
        }
        return term.weight * saturation * ScoringContext.boundSlack + ScoringContext.boundMargin
    }
}

/// The saturation of terms outside the title and abstract, whose one frequency lane is the title's: an
/// author word scores as BM25 without length normalisation (tf / (k1 + tf); names are short and alike), an
/// id counts fully (1) when named, venue and category terms only match (0). `nil`: not in the paper.
enum PostingsFieldSaturation {
    @inline(__always)
    static func of(_ namespace: FieldNamespace, _ frequency: UInt32, k1: Double) -> Double? {
        switch namespace {
        case .author:
            guard frequency > 0 else { return nil }
            let tf = Double(frequency)
            return tf / (k1 + tf)
        case .id: return 1
        case .text, .venue, .category: return 0
        }
    }
}
