/// Per-query scoring: BM25F constants, the norms, and each term's weight and field.
struct ScoringContext {
    let scorer: BM25.Scorer
    let norms: Norms
    let parameters: BM25Parameters
    let indexParameters: BM25Parameters

    init(index: SearchIndex, parameters: BM25Parameters) {
        scorer = BM25.Scorer(parameters: parameters, statistics: index.statistics)
        norms = index.norms
        self.parameters = parameters
        indexParameters = index.manifest.parameters
    }

    /// The term's saturation at the cursor's document, or nil when the term is not in the term's field there.
    @inline(__always)
    func saturation(_ cursor: PostingsCursor, field: QueryField, namespace: FieldNamespace) -> Double? {
        guard namespace == .text else { return 0 }
        let title = field == .abstract ? 0 : cursor.titleFrequency
        let abstract = field == .title ? 0 : cursor.abstractFrequency
        guard title > 0 || abstract > 0 else { return nil }
        let document = cursor.document
        return scorer.saturation(titleFrequency: title, abstractFrequency: abstract,
                                 titleLength: norms.titleLength(document), abstractLength: norms.abstractLength(document))
    }

    /// Bounds are inflated by this factor: stored maxima are single-precision, scores double.
    static let boundSlack = 1 + 1e-6

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
