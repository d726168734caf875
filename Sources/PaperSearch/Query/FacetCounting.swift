/// One value of a facet and how many matching papers have it.
public struct FacetCount: Sendable, Equatable {
    public var value: String
    public var count: Int
}

/// The counts of one facet over every match of a query: the most frequent values (most first, then by value).
public struct Facet: Sendable, Equatable {
    public var field: FacetField
    public var values: [FacetCount]
    /// How many distinct values the matches have (`values` holds the first `SearchOptions.facetLimit`).
    public var distinctValues: Int
}

/// Counts facet values over a list of matching papers (ascending document numbers), exactly.
///
/// A stored facet (category, venue, author) reads each paper's value numbers from `values.psv` and adds to
/// an array of counts — dense when the matches are many beside the distinct values, a dictionary when they
/// are few (so a rare query does not zero a million counters); the year comes from the norms.
enum FacetCounting {
    static func count(_ fields: [FacetField], over documents: [UInt32], index: SearchIndex, limit: Int) throws(IndexError) -> [Facet] {
        var facets: [Facet] = []
        for field in fields {
            var counts: [(ordinal: Int, count: Int)] = []
            let name: (Int) -> String
            switch field {
            case .year:
                var years = [Int](repeating: 0, count: Paper.yearRange.upperBound + 1)
                for document in documents {
                    if let year = index.norms.year(document), year < years.count { years[year] += 1 }
                }
                counts = years.indices.filter { years[$0] > 0 }.map { ($0, years[$0]) }
                name = { String($0) }
            case .category, .venue, .author:
                let column = try index.values.column(field)
                if documents.count * 4 >= column.valueCount {
                    var dense = [UInt32](repeating: 0, count: column.valueCount)
                    unsafe dense.withUnsafeMutableBufferPointer { buffer in
                        for document in documents { unsafe column.count(document, into: buffer) }
                    }
                    counts = dense.indices.filter { dense[$0] > 0 }.map { ($0, Int(dense[$0])) }
                } else {
                    var sparse: [Int: Int] = [:]
                    for document in documents { column.forEachOrdinal(of: document) { sparse[$0, default: 0] += 1 } }
                    counts = sparse.map { ($0.key, $0.value) }
                }
                name = { column.value($0) }
            }
            let top = counts.sorted { $0.count > $1.count || ($0.count == $1.count && name($0.ordinal) < name($1.ordinal)) }
                .prefix(max(0, limit))
            facets.append(Facet(field: field, values: top.map { FacetCount(value: name($0.ordinal), count: $0.count) },
                                distinctValues: counts.count))
        }
        return facets
    }
}
