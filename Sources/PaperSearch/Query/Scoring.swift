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

/// Per-query scoring in one segment: BM25F constants (for the whole commit's statistics), the segment's
/// norms and deletions, and how its stored block maxima convert to bounds for this query.
struct ScoringContext {
    let scorer: BM25.Scorer
    let norms: Norms
    /// The segment's deleted papers, which no search returns.
    let deletions: Deletions
    let parameters: BM25Parameters
    /// Whether the stored block maxima were computed with these parameters.
    let sameParameters: Bool
    /// What turns a stored maximum saturation `s` into a bound for the commit's statistics (see
    /// `convertedSaturation`); 1 when the segment's averages are the commit's or larger.
    let boundScale: Double

    /// `scorer` is the searcher's, made for `parameters` and the commit's statistics.
    init(segment: LiveSegment, index: SearchIndex, parameters: BM25Parameters, scorer: BM25.Scorer) {
        self.scorer = scorer
        norms = segment.segment.norms
        deletions = segment.deletions
        self.parameters = parameters
        sameParameters = parameters == segment.segment.manifest.parameters
        boundScale = ScoringContext.boundScale(built: segment.segment.buildStatistics, searched: index.statistics)
    }

    /// A segment's block maxima are saturations s = tf'/(k1 + tf') for the averages it was built with. With
    /// other averages a field's length normalisation 1 - b + b·len/avg changes by the factor
    /// (1 - b + b·len/avg_built) / (1 - b + b·len/avg_now), which is at most max(1, avg_now/avg_built) for
    /// every length; so tf' grows by at most c, the largest of those factors over both fields, and
    /// s' = c·tf'/(k1 + c·tf') = c·s / (1 - s + c·s) bounds the new saturation (it grows with tf', hence
    /// with s). A bound, never an underestimate: pruning stays exact, only less sharp while c > 1.
    static func boundScale(built: BM25.Statistics, searched: BM25.Statistics) -> Double {
        func ratio(_ now: Double, _ then: Double) -> Double { then > 0 && now > then ? now / then : 1 }
        return max(ratio(searched.averageTitleLength, built.averageTitleLength),
                   ratio(searched.averageAbstractLength, built.averageAbstractLength))
    }

    /// A stored maximum saturation converted to a bound for the commit's statistics (see `boundScale`).
    @inline(__always)
    func convertedSaturation(_ stored: Float) -> Double {
        let s = Double(stored)
        guard boundScale != 1 else { return s }
        return boundScale * s / (1 - s + boundScale * s)
    }

    /// Whether a document of the segment is live (not deleted).
    @inline(__always)
    func isLive(_ document: UInt32) -> Bool { deletions.isLive(document) }

    /// The term's saturation in a document, or nil when the term is not in the term's field there.
    /// (Frequencies are passed, not the cursor, so that no cursor is copied on the hot path.)
    @inline(__always)
    func saturation(_ document: UInt32, _ titleFrequency: UInt32, _ abstractFrequency: UInt32, _ term: TermWeight) -> Double? {
        guard term.namespace == .text else { return PostingsFieldSaturation.of(term.namespace, titleFrequency, k1: parameters.k1) }
        let (title, abstract) = ScoringContext.inField(term.field, titleFrequency, abstractFrequency)
        guard title > 0 || abstract > 0 else { return nil }
        let lengths = norms.lengths(document)
        return scorer.saturation(titleFrequency: title, abstractFrequency: abstract, titleLength: lengths.title, abstractLength: lengths.abstract)
    }

    /// A text term's per-field values (frequencies, or what one occurrence adds) as the query's `field` counts
    /// them: `title:` counts the title's alone, `abstract:` the abstract's alone. The one place of that rule.
    @inline(__always)
    static func inField<Value: AdditiveArithmetic>(_ field: QueryField, _ title: Value, _ abstract: Value) -> (title: Value, abstract: Value) {
        (field == .abstract ? .zero : title, field == .title ? .zero : abstract)
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
            return term.weight * convertedSaturation(skips.maxSaturation(block)) * ScoringContext.boundSlack + ScoringContext.boundMargin
        }
        let entry = skips.entry(block)
        // Frequencies saturate at 65,535 in the skip table: there, assume the largest saturation.
        if entry.maxTitleFrequency == .max || entry.maxAbstractFrequency == .max {
            return term.weight * ScoringContext.boundSlack + ScoringContext.boundMargin
        }
        let (title, abstract) = ScoringContext.inField(term.field, UInt32(entry.maxTitleFrequency), UInt32(entry.maxAbstractFrequency))
        let saturation = scorer.saturation(titleFrequency: title, abstractFrequency: abstract,
                                           titleLength: UInt32(entry.minTitleLength), abstractLength: UInt32(entry.minAbstractLength))
        return term.weight * saturation * ScoringContext.boundSlack + ScoringContext.boundMargin
    }

    /// A test that passes over documents of block `block` of a text term's list from their frequencies
    /// alone: a document it rules out contributes no more than `budget` for the term. The block's smallest
    /// field lengths bound each document's tf' from above (a length factor falls as the length grows), and
    /// the saturation tf'/(k1 + tf') is inverted into a limit on tf', with the slack and margin of the block
    /// bounds (and a little more for the inversion's rounding), so the test never rules out too much.
    func frequencyCutoff(_ term: TermWeight, _ skips: SkipTable, block: Int, budget: Double) -> FrequencyCutoff {
        guard term.namespace == .text, term.weight > 0, block < skips.count else { return .never }
        let saturation = (budget - ScoringContext.boundMargin) / (term.weight * ScoringContext.boundSlack)
        guard saturation > 0 else { return .never }
        let entry = skips.entry(block)
        let factors = scorer.lengthFactors(titleLength: UInt32(entry.minTitleLength), abstractLength: UInt32(entry.minAbstractLength))
        let limit = scorer.termFrequency(saturating: saturation) * (1 - 1e-9)
        let (titleFactor, abstractFactor) = ScoringContext.inField(term.field, factors.title, factors.abstract)
        // One occurrence in a field scored above the limit: nothing would be ruled out but for the work of testing
        // (asked before the cutoff is made, which costs more).
        let least = min(titleFactor > 0 ? titleFactor : .infinity, abstractFactor > 0 ? abstractFactor : .infinity)
        guard limit >= least else { return .never }
        return FrequencyCutoff(titleFactor: titleFactor, abstractFactor: abstractFactor, limit: limit)
    }

    /// An upper bound of the term's contribution to any document's score in this segment (`info`: the
    /// term's entry in the segment).
    func upperBound(_ term: PlanTerm, _ info: TermInfo?) -> Double {
        guard term.weight > 0, let info else { return 0 }
        guard term.namespace == .text else {
            let frequency = info.documentFrequency == 1 ? info.singleTitleFrequency : info.maxTitleFrequency
            let saturation = PostingsFieldSaturation.of(term.namespace, frequency, k1: parameters.k1) ?? 0
            return term.weight * saturation * ScoringContext.boundSlack + ScoringContext.boundMargin
        }
        let saturation: Double
        if info.documentFrequency == 1 {
            let document = info.singleDocument
            let (title, abstract) = ScoringContext.inField(term.field, info.singleTitleFrequency, info.singleAbstractFrequency)
            guard Int(document) < norms.documentCount else { return term.weight }
            let lengths = norms.lengths(document)
            saturation = scorer.saturation(titleFrequency: title, abstractFrequency: abstract,
                                           titleLength: lengths.title, abstractLength: lengths.abstract)
        } else if sameParameters && term.field == .text {
            saturation = convertedSaturation(info.maxSaturation)
        } else {
            let (title, abstract) = ScoringContext.inField(term.field, info.maxTitleFrequency, info.maxAbstractFrequency)
            saturation = scorer.saturation(titleFrequency: title, abstractFrequency: abstract,
                                           titleLength: info.minTitleLength, abstractLength: info.minAbstractLength)
        }
        return term.weight * saturation * ScoringContext.boundSlack + ScoringContext.boundMargin
    }
}

/// See `ScoringContext.frequencyCutoff`: a document whose tf', bounded from its frequencies as
/// `titleFactor · tf_title + abstractFactor · tf_abstract`, is at most `limit` cannot matter.
struct FrequencyCutoff {
    let titleFactor: Double
    let abstractFactor: Double
    let limit: Double
    /// The largest abstract frequency ruled out with none in the title (-1: none), so that the commonest
    /// test, of a document without the term in its title, compares integers: the same answer as the formula,
    /// which is monotone in the frequency, found by evaluating it.
    private let abstractLimitUntitled: Int64

    init(titleFactor: Double, abstractFactor: Double, limit: Double) {
        self.titleFactor = titleFactor
        self.abstractFactor = abstractFactor
        self.limit = limit
        func ruledOut(_ abstract: Int64) -> Bool { 0 * titleFactor + Double(abstract) * abstractFactor <= limit }
        guard ruledOut(0) else {
            abstractLimitUntitled = -1
            return
        }
        // The quotient is within a step or two of the answer (or past every frequency), which the formula settles.
        let estimate = abstractFactor > 0 ? limit / abstractFactor : .infinity
        var last = estimate < Double(UInt32.max) ? Int64(estimate) : Int64(UInt32.max)
        while last > 0 && !ruledOut(last) { last -= 1 }
        while last < Int64(UInt32.max) && ruledOut(last + 1) { last += 1 }
        abstractLimitUntitled = last
    }

    /// Rules out nothing.
    static let never = FrequencyCutoff(titleFactor: 0, abstractFactor: 0, limit: -1)

    /// Whether the cutoff can rule anything out (when not, the frequencies need not be read).
    var isActive: Bool { limit >= 0 }

    /// Whether a document with these frequencies is ruled out.
    @inline(__always)
    func rulesOut(titleFrequency: UInt32, abstractFrequency: UInt32) -> Bool {
        if titleFrequency == 0 { return Int64(abstractFrequency) <= abstractLimitUntitled }
        return Double(titleFrequency) * titleFactor + Double(abstractFrequency) * abstractFactor <= limit
    }
}

/// The saturation of terms outside the title and abstract, whose one frequency lane is the title's: an
/// author word scores as BM25 without length normalisation (tf / (k1 + tf); names are short and alike), an
/// id counts fully (1) when named, venue, category and acronym terms only match (0). `nil`: not in the paper.
enum PostingsFieldSaturation {
    @inline(__always)
    static func of(_ namespace: FieldNamespace, _ frequency: UInt32, k1: Double) -> Double? {
        switch namespace {
        case .author:
            guard frequency > 0 else { return nil }
            let tf = Double(frequency)
            return tf / (k1 + tf)
        case .id: return 1
        case .text, .venue, .category, .acronym: return 0
        }
    }
}
