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

/// Counts facet values over the matching papers of each segment (ascending segment document numbers), exactly.
///
/// A stored facet (category, venue, author) reads each paper's value numbers from `values.psv` and adds to
/// an array of counts — dense when the matches are many beside the distinct values, a dictionary when they
/// are few (so a rare query does not zero a million counters); the year comes from the norms. When a query
/// matches more than half a segment's papers, the papers it does not match (deleted ones among them) are
/// counted instead and taken from the counts over all the segment's papers (made once per open segment), so
/// no count visits more than half a segment. Segments number their values apart, so with several segments
/// the counts are added up by value.
enum FacetCounting {
    static func count(_ fields: [FacetField], over matches: [[UInt32]], index: SearchIndex, limit: Int) throws(IndexError) -> [Facet] {
        var facets: [Facet] = []
        for field in fields {
            if index.segments.count == 1 {
                // Ordinals follow the values' order (years numerically, stored values by their bytes), so ties
                // are broken by ordinal without reading a value.
                let (counts, name) = try segmentCounts(field, over: matches[0], segment: index.segments[0])
                let top = mostFrequent(counts, limit: max(0, limit))
                facets.append(Facet(field: field, values: top.map { FacetCount(value: name($0.ordinal), count: $0.count) },
                                    distinctValues: counts.count))
                continue
            }
            var byValue: [String: Int] = [:]
            for (s, documents) in matches.enumerated() where !documents.isEmpty {
                let (counts, name) = try segmentCounts(field, over: documents, segment: index.segments[s])
                for entry in counts { byValue[name(entry.ordinal), default: 0] += entry.count }
            }
            // Ranked as one segment's ordinals would be: by count, then by value (years numerically).
            let values = byValue.keys.sorted { a, b in
                field == .year ? (Int(a) ?? 0) < (Int(b) ?? 0) : a.utf8.lexicographicallyPrecedes(b.utf8)
            }
            let counts = values.enumerated().map { (ordinal: $0.offset, count: byValue[$0.element] ?? 0) }
            let top = mostFrequent(counts, limit: max(0, limit))
            facets.append(Facet(field: field, values: top.map { FacetCount(value: values[$0.ordinal], count: $0.count) },
                                distinctValues: counts.count))
        }
        return facets
    }

    /// One facet's counts over one segment's matches, by the segment's ordinals, and the value of an ordinal.
    private static func segmentCounts(
        _ field: FacetField, over documents: [UInt32], segment live: LiveSegment
    ) throws(IndexError) -> (counts: [(ordinal: Int, count: Int)], name: (Int) -> String) {
        let segment = live.segment
        let complement = documents.count > segment.documentCount / 2
        let counted = complement ? FacetCounting.complement(of: documents, in: segment.documentCount) : documents
        switch field {
        case .year:
            var years = [Int](repeating: 0, count: Paper.yearRange.upperBound + 1)
            if complement {
                for document in 0..<UInt32(segment.documentCount) {
                    if let year = segment.norms.year(document), year < years.count { years[year] += 1 }
                }
            }
            for document in counted {
                if let year = segment.norms.year(document), year < years.count { years[year] += complement ? -1 : 1 }
            }
            return (years.indices.filter { years[$0] > 0 }.map { ($0, years[$0]) }, { String($0) })
        case .category, .venue, .author:
            let column = try segment.values.column(field)
            let counts: [(ordinal: Int, count: Int)]
            if complement {
                var dense = [UInt32](repeating: 0, count: column.valueCount)
                unsafe dense.withUnsafeMutableBufferPointer { buffer in unsafe column.count(counted, into: buffer) }
                let totals = try segment.values.totalCounts(field)
                counts = dense.indices.filter { totals[$0] > dense[$0] }.map { ($0, Int(totals[$0] - dense[$0])) }
            } else if documents.count * 4 >= column.valueCount {
                var dense = [UInt32](repeating: 0, count: column.valueCount)
                unsafe dense.withUnsafeMutableBufferPointer { buffer in unsafe column.count(documents, into: buffer) }
                counts = dense.indices.filter { dense[$0] > 0 }.map { ($0, Int(dense[$0])) }
            } else {
                var sparse: [Int: Int] = [:]
                for document in documents { column.forEachOrdinal(of: document) { sparse[$0, default: 0] += 1 } }
                counts = sparse.map { ($0.key, $0.value) }
            }
            return (counts, { column.value($0) })
        }
    }

    /// The documents below `count` that are not in `documents` (ascending).
    static func complement(of documents: [UInt32], in count: Int) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(max(0, count - documents.count))
        var next = 0
        for document in 0..<UInt32(count) {
            if next < documents.count && documents[next] == document { next += 1 } else { result.append(document) }
        }
        return result
    }

    /// The `limit` entries with the highest counts (ties: lower ordinal first), best first: a bounded heap,
    /// so a facet with a hundred thousand distinct values costs no full sort.
    static func mostFrequent(_ counts: [(ordinal: Int, count: Int)], limit: Int) -> [(ordinal: Int, count: Int)] {
        func better(_ a: (ordinal: Int, count: Int), _ b: (ordinal: Int, count: Int)) -> Bool {
            a.count > b.count || (a.count == b.count && a.ordinal < b.ordinal)
        }
        guard limit > 0 else { return [] }
        if counts.count <= limit { return counts.sorted(by: better) }
        // A min-heap (by `better`) of the best seen: its root is the worst kept.
        var heap: [(ordinal: Int, count: Int)] = []
        heap.reserveCapacity(limit)
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { return }
                var worst = left
                if left + 1 < heap.count && better(heap[worst], heap[left + 1]) { worst = left + 1 }
                guard better(heap[parent], heap[worst]) else { return }
                heap.swapAt(parent, worst)
                parent = worst
            }
        }
        for entry in counts {
            if heap.count < limit {
                heap.append(entry)
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard better(heap[parent], heap[child]) else { break }
                    heap.swapAt(parent, child)
                    child = parent
                }
            } else if better(entry, heap[0]) {
                heap[0] = entry
                siftDown(0)
            }
        }
        return heap.sorted(by: better)
    }
}
