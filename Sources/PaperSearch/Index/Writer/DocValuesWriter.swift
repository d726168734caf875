/// Collects each paper's date and facet values while a build runs, and writes them (`values.psv`).
///
///     values.psv = Header, DocCount u64, Dates u32 ^ DocCount, zero padding to 8, DatesChecksum u64,
///                  Facet ^ 3 (category, venue, author, in `FacetField` order), Footer
///     Dates      = YYYYMMDD for a paper with a full date, YYYY0000 with only a year, 0 with neither (so that
///                  sorting by the number sorts by date, a year alone at the start of its year)
///     Facet      = ValueCount u64, ValueEnds u32 ^ ValueCount (ends of the values in Values), Values (UTF-8,
///                  concatenated, sorted by their bytes), zero padding to 8, DocStarts u32 ^ (DocCount + 1)
///                  (where each paper's ordinals start in Ordinals), Ordinals u32 ^ DocStarts[DocCount]
///                  (indices into the values, ascending per paper), zero padding to 8,
///                  Checksum u64 (`BlockChecksum` of the facet's bytes before it; upper 32 bits zero)
///
/// A value is shown as the paper gave it; values that differ only in case and spacing are one (the first
/// seen is shown). Counting a facet reads each match's ordinals and adds to an array, so facets over a
/// hundred thousand matches cost a few milliseconds. The dates are checked when the index opens, each facet
/// the first time it is counted.
///
/// The distinct values are held in memory while the build runs (a few tens of bytes each: for the authors of
/// a million papers, about 100 MB); they are counted in the writer's memory budget.
struct DocValuesWriter {
    private var dates: [UInt32] = []
    private var facets = [FacetBuilder](repeating: FacetBuilder(), count: FacetField.stored.count)

    /// Bytes held, for the memory budget.
    var memoryUsed: Int { dates.count * 4 + facets.reduce(0) { $0 + $1.memoryUsed } }

    mutating func add(date: UInt32, values: [[FacetValue]]) {
        dates.append(date)
        for (index, list) in values.enumerated() { facets[index].add(list) }
    }

    /// The date key of a paper (see the format above).
    static func dateKey(_ paper: Paper) -> UInt32 {
        if let date = paper.date, date.utf8.count >= 10 {
            let digits = Array(date.utf8.prefix(10))
            func number(_ range: Range<Int>) -> UInt32? {
                var value: UInt32 = 0
                for index in range {
                    guard digits[index] &- 0x30 < 10 else { return nil }
                    value = value * 10 + UInt32(digits[index] - 0x30)
                }
                return value
            }
            if digits[4] == UInt8(ascii: "-"), digits[7] == UInt8(ascii: "-"), let year = number(0..<4),
               let month = number(5..<7), let day = number(8..<10), Paper.yearRange.contains(Int(year)),
               (1...12).contains(month), (1...31).contains(day) {
                return year * 10_000 + month * 100 + day
            }
        }
        if let year = paper.year, Paper.yearRange.contains(year) { return UInt32(year) * 10_000 }
        return 0
    }

    /// A facet value as shown (white space collapsed) and as matched (folded to lower case); made by the
    /// analysing threads, so that the writer's serial side only looks it up.
    struct FacetValue: Sendable {
        var display: String
        var key: String
    }

    /// The facet values of a paper, in `FacetField.stored` order (empty ones left out).
    static func facetValues(_ paper: Paper) -> [[FacetValue]] {
        FacetField.stored.map { field in
            let values: [String]
            switch field {
            case .category: values = paper.categories
            case .venue: values = paper.venue.map { [$0] } ?? []
            case .author: values = Array(paper.authors.prefix(1000))
            case .year: values = []
            }
            return values.compactMap { value in
                let display = TextCleanup.collapsingWhitespace(value)
                return display.isEmpty ? nil : FacetValue(display: display, key: display.lowercased())
            }
        }
    }

    func write(_ output: FileOutput) throws(IndexError) {
        var section: [UInt8] = []
        section.appendLittleEndian(UInt64(dates.count))
        for date in dates { section.appendLittleEndian(date) }
        try DocValuesWriter.writeSection(&section, to: output)
        for facet in facets {
            facet.encode(into: &section, documentCount: dates.count)
            try DocValuesWriter.writeSection(&section, to: output)
        }
    }

    /// Pads a section to 8 bytes, writes it and its checksum, and empties it.
    private static func writeSection(_ section: inout [UInt8], to output: FileOutput) throws(IndexError) {
        while section.count % 8 != 0 { section.append(0) }
        let checksum = UInt64(BlockChecksum.of(section))
        do {
            try output.write(section)
            try output.writeUInt64(checksum)
        } catch { throw .io(error) }
        section.removeAll(keepingCapacity: true)
    }
}

/// One facet's values during a build: distinct values by their folded form, and each paper's value numbers.
private struct FacetBuilder {
    private var numbers: [String: UInt32] = [:]
    private var shown: [String] = []
    private var documentStarts: [UInt32] = [0]
    private var ordinals: [UInt32] = []
    private(set) var memoryUsed = 0

    mutating func add(_ values: [DocValuesWriter.FacetValue]) {
        var mine: [UInt32] = []
        for value in values {
            let number: UInt32
            if let known = numbers[value.key] {
                number = known
            } else {
                number = UInt32(shown.count)
                numbers[value.key] = number
                shown.append(value.display)
                memoryUsed += 2 * value.display.utf8.count + 64
            }
            if !mine.contains(number) { mine.append(number) }
        }
        ordinals += mine
        documentStarts.append(UInt32(ordinals.count))
        memoryUsed += 4 * (mine.count + 1)
    }

    /// The facet's bytes (see `DocValuesWriter`), without the padding and checksum.
    func encode(into bytes: inout [UInt8], documentCount: Int) {
        // Values sorted by their bytes; the numbers given in the build map to their sorted places.
        // (Compared as byte arrays: comparing `String.UTF8View`s showed in indexing profiles.)
        let utf8 = shown.map { Array($0.utf8) }
        let order = utf8.indices.sorted { utf8[$0].lexicographicallyPrecedes(utf8[$1]) }
        var place = [UInt32](repeating: 0, count: shown.count)
        for (sorted, original) in order.enumerated() { place[original] = UInt32(sorted) }
        bytes.appendLittleEndian(UInt64(shown.count))
        var end: UInt32 = 0
        for original in order {
            end += UInt32(utf8[original].count)
            bytes.appendLittleEndian(end)
        }
        for original in order { bytes.append(contentsOf: utf8[original]) }
        while bytes.count % 8 != 0 { bytes.append(0) }
        for start in documentStarts { bytes.appendLittleEndian(start) }
        for document in 0..<documentCount {
            let range = Int(documentStarts[document])..<Int(documentStarts[document + 1])
            if range.count == 1 {
                bytes.appendLittleEndian(place[Int(ordinals[range.lowerBound])])
            } else {
                for ordinal in ordinals[range].map({ place[Int($0)] }).sorted() { bytes.appendLittleEndian(ordinal) }
            }
        }
    }
}
