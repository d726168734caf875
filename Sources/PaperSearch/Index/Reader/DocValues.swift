import Synchronization

/// What results can be counted by (`SearchOptions.facets`).
public enum FacetField: String, CaseIterable, Sendable {
    case year, category, venue, author

    /// The facets `values.psv` stores, in its order (the year comes from the norms).
    static let stored: [FacetField] = [.category, .venue, .author]
}

/// Each paper's date and facet values, read in place (format: `DocValuesWriter`). The dates are checked
/// against their checksum when the index opens; a facet the first time it is counted (once per open index).
final class DocValues: Sendable {
    let file: MappedFile
    let documentCount: Int
    private let datesStart: Int
    private let columns: [FacetColumn]
    /// Which columns have been checked against their checksum.
    private let checked = Mutex<[Bool]>([false, false, false])
    /// Each column's counts over all papers, made the first time a query matches most of the index.
    private let totals = Mutex<[[UInt32]?]>([nil, nil, nil])

    init(file: MappedFile, body: Range<Int>, documentCount expected: Int) throws(IndexError) {
        self.file = file
        func corrupt(_ reason: String) -> IndexError { .corrupt(file: file.path, reason: reason) }
        guard body.count >= 16 else { throw .truncated(file: file.path, length: file.count, needed: body.lowerBound + 16) }
        let count = Int(truncatingIfNeeded: file.uint64(at: body.lowerBound))
        guard count == expected, count >= 0, count <= body.count / 4 else {
            throw corrupt("holds \(count) documents, the manifest says \(expected)")
        }
        documentCount = count
        datesStart = body.lowerBound + 8
        let datesEnd = (datesStart + 4 * count + 7) / 8 * 8
        guard datesEnd + 8 <= body.upperBound else { throw corrupt("the dates do not fit") }
        guard file.blockChecksum(body.lowerBound, datesEnd - body.lowerBound) == UInt32(truncatingIfNeeded: file.uint64(at: datesEnd)) else {
            throw corrupt("the dates do not match their checksum")
        }
        var offset = datesEnd + 8
        var columns: [FacetColumn] = []
        for field in FacetField.stored {
            let column = try FacetColumn(file: file, at: offset, end: body.upperBound, documentCount: count, field: field)
            columns.append(column)
            offset = column.end + 8
        }
        guard offset == body.upperBound else { throw corrupt("the facets do not fill the file") }
        self.columns = columns
    }

    /// The date key of a document (YYYYMMDD, YYYY0000, or 0; see `DocValuesWriter`). Callers pass document
    /// numbers below `documentCount`.
    @inline(__always)
    func date(_ document: UInt32) -> UInt32 {
        file.uint32(at: datesStart + 4 * Int(document))
    }

    /// A facet's counts over every paper (made once per open index, then shared).
    func totalCounts(_ field: FacetField) throws(IndexError) -> [UInt32] {
        guard let index = FacetField.stored.firstIndex(of: field) else { return [] }
        if let known = totals.withLock({ $0[index] }) { return known }
        let column = try self.column(field)
        var counts = [UInt32](repeating: 0, count: column.valueCount)
        unsafe counts.withUnsafeMutableBufferPointer { buffer in
            unsafe column.count(Array(0..<UInt32(documentCount)), into: buffer)
        }
        totals.withLock { $0[index] = counts }
        return counts
    }

    /// A facet's column, checked against its checksum the first time.
    func column(_ field: FacetField) throws(IndexError) -> FacetColumn {
        guard let index = FacetField.stored.firstIndex(of: field) else {
            throw .corrupt(file: file.path, reason: "no stored facet \(field.rawValue)")
        }
        let column = columns[index]
        if !checked.withLock({ $0[index] }) {
            guard file.blockChecksum(column.start, column.end - column.start) == UInt32(truncatingIfNeeded: file.uint64(at: column.end)),
                  column.startsAreOrdered() else {
                throw .corrupt(file: file.path, reason: "the \(field.rawValue) facet does not match its checksum")
            }
            checked.withLock { $0[index] = true }
        }
        return column
    }
}

/// One facet's distinct values and each paper's value numbers (ordinals), in place in the mapped file.
///
/// Invariant (checked in `init`): every table lies in the file and every paper's ordinals lie in the
/// ordinals table; ordinals themselves are checked against `valueCount` where they are used.
struct FacetColumn: Sendable {
    let file: MappedFile
    let valueCount: Int
    private let valueEnds: Int
    private let values: Int
    private let documentStarts: Int
    private let ordinals: Int
    private let ordinalCount: Int
    let start: Int
    let end: Int

    init(file: MappedFile, at start: Int, end limit: Int, documentCount: Int, field: FacetField) throws(IndexError) {
        func corrupt() -> IndexError { .corrupt(file: file.path, reason: "the \(field.rawValue) facet does not fit") }
        self.file = file
        self.start = start
        guard start + 8 <= limit else { throw corrupt() }
        let count = Int(truncatingIfNeeded: file.uint64(at: start))
        guard count >= 0, count <= (limit - start) / 4 else { throw corrupt() }
        valueCount = count
        valueEnds = start + 8
        values = valueEnds + 4 * count
        let valuesLength = count == 0 ? 0 : Int(file.uint32(at: values - 4))
        guard valuesLength <= limit - values else { throw corrupt() }
        documentStarts = (values + valuesLength + 7) / 8 * 8
        guard documentStarts + 4 * (documentCount + 1) <= limit else { throw corrupt() }
        ordinals = documentStarts + 4 * (documentCount + 1)
        ordinalCount = Int(file.uint32(at: ordinals - 4))
        guard ordinalCount <= (limit - ordinals) / 4 else { throw corrupt() }
        end = (ordinals + 4 * ordinalCount + 7) / 8 * 8
        guard end + 8 <= limit else { throw corrupt() }
        self.documentCount = documentCount
    }

    private let documentCount: Int

    /// Whether each paper's ordinals lie in the table (checked once, with the checksum, so that counting
    /// needs no checks).
    func startsAreOrdered() -> Bool {
        var previous: UInt32 = 0
        for document in 0...documentCount {
            let documentStart = file.uint32(at: documentStarts + 4 * document)
            guard documentStart >= previous, Int(documentStart) <= ordinalCount else { return false }
            previous = documentStart
        }
        return true
    }

    /// Adds one to `counts[ordinal]` for each value of each of `documents` (numbers below the document count).
    ///
    /// The tables are read through pointers, their bounds checked here once: `startsAreOrdered` (run with the
    /// checksum before any column is handed out) showed every paper's range lies inside the ordinals table,
    /// a document beyond the count is passed over, and an ordinal beyond `counts` is not counted.
    func count(_ documents: [UInt32], into counts: UnsafeMutableBufferPointer<UInt32>) {
        guard let starts = unsafe file.address(documentStarts, 4 * (documentCount + 1)),
              let table = unsafe file.address(ordinals, 4 * ordinalCount) else { return }
        for document in documents where Int(document) < documentCount {
            let at = Int(document) &* 4
            let from = Int(unsafe UInt32(littleEndian: starts.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            let to = Int(unsafe UInt32(littleEndian: starts.loadUnaligned(fromByteOffset: at &+ 4, as: UInt32.self)))
            var index = from
            while index < to {
                let ordinal = Int(unsafe UInt32(littleEndian: table.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)))
                if ordinal < counts.count { unsafe counts[ordinal] &+= 1 }
                index &+= 1
            }
        }
    }

    /// Calls `body` with each value number of `document` (a number below the document count).
    func forEachOrdinal(of document: UInt32, _ body: (Int) -> Void) {
        let from = Int(file.uint32(at: documentStarts + 4 * Int(document)))
        let to = Int(file.uint32(at: documentStarts + 4 * Int(document) + 4))
        for index in from..<to {
            let ordinal = Int(file.uint32(at: ordinals + 4 * index))
            if ordinal < valueCount { body(ordinal) }
        }
    }

    /// The value of an ordinal, as shown.
    func value(_ ordinal: Int) -> String {
        guard ordinal >= 0, ordinal < valueCount else { return "" }
        let from = ordinal == 0 ? 0 : Int(file.uint32(at: valueEnds + 4 * (ordinal - 1)))
        let to = Int(file.uint32(at: valueEnds + 4 * ordinal))
        guard from <= to, file.contains(values + from, to - from) else { return "" }
        return String(decoding: file.bytes(values + from, to - from), as: UTF8.self)
    }
}
