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

/// The terms' contributions to one candidate's score, added up in the query's term order: every algorithm,
/// pruned or exhaustive, sums the same numbers in the same order, so their scores agree to the last bit.
///
/// A term that did not match holds 0, and adding +0 leaves a sum unchanged, so summing every slot in order
/// gives exactly the sum of the matched ones without a second array of flags. A class over one allocation
/// rather than a struct over an array: `set` runs once per posting scored, and an array in a `var` struct
/// pays a uniqueness check on every write.
@safe final class ScoreParts {
    private let parts: UnsafeMutableBufferPointer<Double>

    init(termCount: Int) {
        unsafe parts = UnsafeMutableBufferPointer<Double>.allocate(capacity: termCount)
        unsafe parts.initialize(repeating: 0)
    }

    deinit { unsafe parts.deallocate() }

    /// Records the contribution of `term`, which must be below the `termCount` given at creation (callers
    /// index terms of the plan the parts were made for).
    @inline(__always)
    func set(_ term: Int, _ contribution: Double) {
        unsafe parts[term] = contribution
    }

    /// The sum of the parts set since the last call, in term order; clears them for the next candidate.
    @inline(__always)
    func takeTotal() -> Double {
        var score = 0.0
        for term in unsafe parts.indices {
            score += unsafe parts[term]
            unsafe parts[term] = 0
        }
        return score
    }

    /// Forgets the parts set (a candidate given up).
    @inline(__always)
    func clear() {
        unsafe parts.update(repeating: 0)
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
        guard term.namespace == .text else { return 0 }
        let title = term.field == .abstract ? 0 : titleFrequency
        let abstract = term.field == .title ? 0 : abstractFrequency
        guard title > 0 || abstract > 0 else { return nil }
        return scorer.saturation(titleFrequency: title, abstractFrequency: abstract,
                                 titleLength: norms.titleLength(document), abstractLength: norms.abstractLength(document))
    }

    /// Whether the paper's year lies in every range (a paper without a year lies in none).
    @inline(__always)
    func inYears(_ document: UInt32, _ years: [ClosedRange<Int>]) -> Bool {
        guard !years.isEmpty else { return true }
        guard let year = norms.year(document) else { return false }
        return years.allSatisfy { $0.contains(year) }
    }

    /// The term's part of the score of the cursor's current document (weight × saturation), or nil when the
    /// term is not in the term's field there.
    @inline(__always)
    func contribution(_ cursor: inout PostingsCursor, _ term: TermWeight) -> Double? {
        guard let saturation = saturation(cursor.document, cursor.titleFrequency, cursor.abstractFrequency, term) else { return nil }
        return term.weight * saturation
    }

    /// Bounds are inflated by this factor: stored maxima are single-precision, scores double.
    static let boundSlack = 1 + 1e-6

    /// An upper bound of the term's contribution to any document of one postings block.
    @inline(__always)
    func blockBound(_ term: TermWeight, _ cursor: inout PostingsCursor, block: Int) -> Double {
        guard term.namespace == .text, term.weight > 0 else { return 0 }
        if sameParameters && term.field == .text {
            return term.weight * Double(cursor.maxSaturation(ofBlock: block)) * ScoringContext.boundSlack + 1e-12
        }
        let entry = cursor.skipEntry(block)
        // Frequencies saturate at 65,535 in the skip table: there, assume the largest saturation.
        if entry.maxTitleFrequency == .max || entry.maxAbstractFrequency == .max { return term.weight * ScoringContext.boundSlack }
        let saturation = scorer.saturation(
            titleFrequency: term.field == .abstract ? 0 : UInt32(entry.maxTitleFrequency),
            abstractFrequency: term.field == .title ? 0 : UInt32(entry.maxAbstractFrequency),
            titleLength: UInt32(entry.minTitleLength), abstractLength: UInt32(entry.minAbstractLength))
        return term.weight * saturation * ScoringContext.boundSlack + 1e-12
    }

    /// An upper bound of the term's contribution to any document's score.
    func upperBound(_ term: PlanTerm) -> Double {
        guard term.namespace == .text, term.weight > 0 else { return 0 }
        let info = term.info
        let saturation: Double
        if info.documentFrequency == 1 {
            let document = info.singleDocument
            let title = term.field == .abstract ? 0 : info.singleTitleFrequency
            let abstract = term.field == .title ? 0 : info.singleAbstractFrequency
            guard Int(document) < norms.documentCount else { return term.weight }
            saturation = scorer.saturation(titleFrequency: title, abstractFrequency: abstract,
                                           titleLength: norms.titleLength(document), abstractLength: norms.abstractLength(document))
        } else if parameters == indexParameters && term.field == .text {
            saturation = Double(info.maxSaturation)
        } else {
            saturation = scorer.saturation(
                titleFrequency: term.field == .abstract ? 0 : info.maxTitleFrequency,
                abstractFrequency: term.field == .title ? 0 : info.maxAbstractFrequency,
                titleLength: info.minTitleLength, abstractLength: info.minAbstractLength)
        }
        return term.weight * saturation * ScoringContext.boundSlack + 1e-12
    }
}
