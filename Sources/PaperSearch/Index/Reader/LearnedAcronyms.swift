/// An acronym the index learned from the papers that define it ("binary neural networks (BNNs)"; see
/// `SchwartzHearst` and `AcronymTerms`).
public struct LearnedAcronym: Sendable, Equatable {
    /// The short form as indexed: its analysed term ("bnn").
    public var shortForm: String
    /// The long form as the papers defining it most often write it, in lower case ("binary neural networks").
    public var longForm: String
    /// How many live papers define this pair.
    public var papers: Int
    /// Whether searches use it (`LearnedAcronym.isTrusted`).
    public var trusted: Bool
    /// The long form's analysed terms (`AcronymTerms`).
    let longFormKey: [UInt8]

    /// The fewest papers that must define a pair before searches use it: a definition two papers agree on
    /// is rarely a misreading, and one paper's private abbreviation is left alone.
    public static let minimumPapers = 2
    /// The least share of the definitions of a short form that a long form must have: an acronym with
    /// several meanings keeps each that is common ("MPC": model predictive control, multi-party
    /// computation), not the stray ones.
    public static let minimumShare = 0.2

    /// Whether a pair defined by `papers` papers, among `allDefinitions` definitions of its short form, is
    /// used by searches.
    static func isTrusted(papers: Int, allDefinitions: Int) -> Bool {
        papers >= minimumPapers && Double(papers) >= minimumShare * Double(allDefinitions)
    }
}

extension SearchIndex {
    /// The acronyms the papers define: all of them, or those of one short form (as the analyzer makes it:
    /// "BNNs" and "bnn" are the same), the most defined first; `trusted` says which searches use.
    public func learnedAcronyms(shortForm: String? = nil) throws(IndexError) -> [LearnedAcronym] {
        guard let shortForm else { return try learnedAcronyms(prefix: []) }
        let terms = analyzer.terms(shortForm)
        guard terms.count == 1 else { return [] }
        return try learnedAcronyms(prefix: Array(terms[0].utf8) + [0])
    }

    /// The acronyms whose definition terms start with `prefix` (after the tag).
    private func learnedAcronyms(prefix: [UInt8]) throws(IndexError) -> [LearnedAcronym] {
        let (found, _) = try terms(withPrefix: [FieldNamespace.acronym.rawValue, AcronymTerms.definitionTag] + prefix, limit: Int.max)
        // Papers and the most written display per (short form, long form); a paper records a pair once.
        var pairs: [[UInt8]: (definition: AcronymTerms.Definition, papers: Int, displayPapers: Int)] = [:]
        for (key, term) in found {
            guard let definition = AcronymTerms.definition(key.dropFirst()) else {
                throw .corrupt(file: segments.first?.segment.terms.file.path ?? "", reason: "an acronym term is malformed")
            }
            let pairKey = definition.shortForm + [0] + definition.longFormKey
            var entry = pairs[pairKey] ?? (definition, 0, 0)
            entry.papers += term.documentFrequency
            if term.documentFrequency > entry.displayPapers { (entry.definition, entry.displayPapers) = (definition, term.documentFrequency) }
            pairs[pairKey] = entry
        }
        var definitionsPerShortForm: [[UInt8]: Int] = [:]
        for entry in pairs.values { definitionsPerShortForm[entry.definition.shortForm, default: 0] += entry.papers }
        return pairs.values.map { entry in
            LearnedAcronym(shortForm: String(decoding: entry.definition.shortForm, as: UTF8.self), longForm: entry.definition.display,
                           papers: entry.papers,
                           trusted: LearnedAcronym.isTrusted(papers: entry.papers, allDefinitions: definitionsPerShortForm[entry.definition.shortForm] ?? 0),
                           longFormKey: entry.definition.longFormKey)
        }.sorted { ($0.papers, $1.shortForm, $1.longForm) > ($1.papers, $0.shortForm, $0.longForm) }
    }

    /// The trusted long forms of a short form's term.
    func trustedLongForms(ofShortForm term: [UInt8]) throws(IndexError) -> [LearnedAcronym] {
        try learnedAcronyms(prefix: term + [0]).filter(\.trusted)
    }

    /// Whether papers define a term as an acronym (a trusted pair): a rare word that is one is not taken for
    /// a slip by corrections and "did you mean".
    func definesAcronym(_ term: [UInt8]) throws(IndexError) -> Bool {
        try !trustedLongForms(ofShortForm: term).isEmpty
    }

    /// The short forms a long form (its `AcronymTerms` key) is trusted for.
    func trustedShortForms(ofLongForm key: [UInt8]) throws(IndexError) -> [LearnedAcronym] {
        let prefix = [FieldNamespace.acronym.rawValue, AcronymTerms.longFormTag] + key + [0]
        let (found, _) = try terms(withPrefix: prefix, limit: 64)
        var result: [LearnedAcronym] = []
        for (term, _) in found {
            let shortForm = Array(term.dropFirst(prefix.count))
            result += try learnedAcronyms(prefix: shortForm + [0]).filter { $0.trusted && $0.longFormKey == key }
        }
        return result
    }
}
