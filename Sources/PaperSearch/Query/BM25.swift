/// The parameters of PaperSearch's ranking function, BM25F over the title and the abstract.
public struct BM25Parameters: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Term-frequency saturation: how quickly repeated occurrences stop adding score. Typical 0.5...2.
    public var k1: Double
    /// Length normalisation, 0 (none) ... 1 (full).
    public var b: Double
    /// How much an occurrence in the title counts, relative to one in the abstract.
    public var titleWeight: Double
    /// How much a query word found among a paper's authors adds, relative to its idf among author words
    /// (authors are scored as a field of their own: weight × idf × tf / (k1 + tf), no length normalisation).
    public var authorWeight: Double

    public init(k1: Double, b: Double, titleWeight: Double, authorWeight: Double = BM25Parameters.defaultAuthorWeight) {
        self.k1 = k1
        self.b = b
        self.titleWeight = titleWeight
        self.authorWeight = authorWeight
    }

    /// The author weight, chosen by measurement (see BENCHMARKS.md).
    public static let defaultAuthorWeight = 0.5

    /// The defaults, chosen by measurement on the training splits (see BENCHMARKS.md).
    public static let `default` = BM25Parameters(k1: 1.2, b: 0.75, titleWeight: 2.0)

    /// Whether the parameters make sense; `Searcher` rejects others.
    public var problem: String? {
        guard k1.isFinite, k1 >= 0 else { return "k1 must be a non-negative number (got \(k1))" }
        guard b.isFinite, b >= 0, b <= 1 else { return "b must be between 0 and 1 (got \(b))" }
        guard titleWeight.isFinite, titleWeight >= 0 else { return "the title weight must be non-negative (got \(titleWeight))" }
        guard authorWeight.isFinite, authorWeight >= 0 else { return "the author weight must be non-negative (got \(authorWeight))" }
        return nil
    }

    public var description: String { "k1=\(k1) b=\(b) title-weight=\(titleWeight) author-weight=\(authorWeight)" }
}

/// BM25F, in one place: Robertson, Walker et al., "Okapi at TREC-3" (BM25), with per-field length
/// normalisation as in Robertson, Zaragoza and Taylor, "Simple BM25 extension to multiple weighted fields"
/// (CIKM 2004), and Lucene's non-negative idf.
///
///     idf(t)   = ln(1 + (N - n + 0.5) / (n + 0.5))                N documents, n of them contain t
///     tf'(t,d) = w_title · tf_title / (1 - b + b · len_title / avg_title)
///              +           tf_abstract / (1 - b + b · len_abstract / avg_abstract)
///     score    = Σ_t  weight(t) · idf(t) · tf' / (k1 + tf')
///
/// Like Lucene's `BM25Similarity`, the constant factor (k1 + 1) of the original formula is left out; it
/// changes no ranking. A document's score for a term is `idf · saturation`, where `saturation` lies in
/// [0, 1); the index stores, per block of postings, the largest saturation in the block (for the
/// parameters it was built with), which bounds the block's scores for dynamic pruning.
public enum BM25 {
    /// Lucene's idf: never negative, even for terms in more than half the documents.
    public static func idf(documentFrequency n: Int, documentCount N: Int) -> Double {
        let n = Double(n), N = Double(N)
        return Math.log(1 + (N - n + 0.5) / (n + 0.5))
    }

    /// Scores are sums of per-term contributions, each rounded to a multiple of this quantum (about 1e-9).
    /// Sums of such multiples are exact in a `Double` while below 2^23 (a query would need hundreds of
    /// thousands of terms to pass it), so a document's score does not depend on the order its terms are
    /// added in: term-at-a-time and document-at-a-time, pruned and exhaustive, all get the same bits.
    static let scoreQuantum = 0x1p-30

    /// `contribution` rounded to the nearest multiple of `scoreQuantum` (NaN and negatives become 0, and a
    /// contribution is capped at 2^22). Adding 2^22 moves the value to where a `Double`'s last bit is worth
    /// exactly the quantum, so the addition itself rounds, and subtracting 2^22 again is exact: two
    /// instructions where a conversion to an integer and back would take a range check and two conversions.
    @inline(__always)
    static func quantized(_ contribution: Double) -> Double {
        let clamped = contribution > 0 ? min(contribution, 0x1p22) : 0
        return (clamped + 0x1p22) - 0x1p22
    }

    /// The field statistics scoring needs.
    public struct Statistics: Sendable, Equatable {
        public var documentCount: Int
        public var averageTitleLength: Double
        public var averageAbstractLength: Double

        public init(documentCount: Int, averageTitleLength: Double, averageAbstractLength: Double) {
            self.documentCount = documentCount
            self.averageTitleLength = averageTitleLength
            self.averageAbstractLength = averageAbstractLength
        }
    }

    /// Precomputed constants for one set of parameters and statistics: the length normalisation
    /// `1 - b + b · len / avg` becomes `base + slope · len` per field, and for the lengths most fields have
    /// its reciprocal (times the field's weight) is looked up rather than divided for: a division per field
    /// and posting was the largest cost of scoring. Every score — pruned, exhaustive, rescored, explained, and
    /// the block maxima the writer stores — goes through `saturation`, so all of them agree to the last bit.
    /// Make one per searcher, not per query (the tables take a few thousand divisions to fill).
    struct Scorer: Sendable {
        let k1: Double
        let titleWeight: Double
        let titleBase: Double, titleSlope: Double
        let abstractBase: Double, abstractSlope: Double
        /// `titleWeight / (titleBase + titleSlope · len)` for len in 0..<titleTable.count.
        private let titleTable: [Double]
        /// `1 / (abstractBase + abstractSlope · len)` for len in 0..<abstractTable.count.
        private let abstractTable: [Double]

        init(parameters: BM25Parameters, statistics: Statistics) {
            k1 = parameters.k1
            let titleWeight = parameters.titleWeight
            self.titleWeight = titleWeight
            let b = parameters.b
            let titleBase = 1 - b, abstractBase = 1 - b
            let titleSlope = statistics.averageTitleLength > 0 ? b / statistics.averageTitleLength : 0
            let abstractSlope = statistics.averageAbstractLength > 0 ? b / statistics.averageAbstractLength : 0
            (self.titleBase, self.titleSlope, self.abstractBase, self.abstractSlope) = (titleBase, titleSlope, abstractBase, abstractSlope)
            titleTable = (0..<256).map { titleWeight / (titleBase + titleSlope * Double($0)) }
            abstractTable = (0..<2048).map { 1 / (abstractBase + abstractSlope * Double($0)) }
        }

        @inline(__always)
        private func titleFactor(_ length: UInt32) -> Double {
            Int(length) < titleTable.count ? titleTable[Int(length)] : titleWeight / (titleBase + titleSlope * Double(length))
        }

        @inline(__always)
        private func abstractFactor(_ length: UInt32) -> Double {
            Int(length) < abstractTable.count ? abstractTable[Int(length)] : 1 / (abstractBase + abstractSlope * Double(length))
        }

        /// tf' / (k1 + tf'), in [0, 1).
        @inline(__always)
        func saturation(titleFrequency: UInt32, abstractFrequency: UInt32, titleLength: UInt32, abstractLength: UInt32) -> Double {
            var tf = 0.0
            if titleFrequency > 0 { tf += Double(titleFrequency) * titleFactor(titleLength) }
            if abstractFrequency > 0 { tf += Double(abstractFrequency) * abstractFactor(abstractLength) }
            return tf / (k1 + tf)
        }

        /// A term's contribution to a score, `weight` × saturation quantized (`BM25.quantized`): what
        /// `ScoringContext.contribution` makes of a word of the title and abstract, for callers that read a
        /// paper's field lengths once for several words.
        @inline(__always)
        func contribution(weight: Double, titleFrequency: UInt32, abstractFrequency: UInt32, titleLength: UInt32,
                          abstractLength: UInt32) -> Double {
            BM25.quantized(weight * saturation(titleFrequency: titleFrequency, abstractFrequency: abstractFrequency,
                                               titleLength: titleLength, abstractLength: abstractLength))
        }

        /// What one occurrence adds to tf' in a field of these lengths (the title's weight included); both
        /// fall as the length grows.
        func lengthFactors(titleLength: UInt32, abstractLength: UInt32) -> (title: Double, abstract: Double) {
            (titleFactor(titleLength), abstractFactor(abstractLength))
        }

        /// The tf' whose saturation is `saturation` (in (0, 1); infinite from 1): `saturation` inverted.
        func termFrequency(saturating saturation: Double) -> Double {
            saturation >= 1 ? .infinity : k1 * saturation / (1 - saturation)
        }
    }
}
