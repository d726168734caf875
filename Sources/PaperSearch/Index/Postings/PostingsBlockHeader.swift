/// The header of a postings block: the bit widths of its three lanes, documents, title frequencies and
/// abstract frequencies (format: `PostingsEncoder`). The lengths of the lanes follow from them.
struct PostingsBlockHeader {
    static let size = 3
    let documentWidth: Int
    let titleWidth: Int
    let abstractWidth: Int

    /// The header at `offset`; the caller has checked that its `size` bytes lie in `file`. (Inlined: block
    /// decoding reads one per block.)
    @inline(__always)
    init(_ file: MappedFile, at offset: Int) {
        documentWidth = Int(file.uint8(at: offset))
        titleWidth = Int(file.uint8(at: offset + 1))
        abstractWidth = Int(file.uint8(at: offset + 2))
    }

    /// Whether every width is one a lane can have (at most 32 bits).
    @inline(__always)
    var isValid: Bool { documentWidth <= 32 && titleWidth <= 32 && abstractWidth <= 32 }

    /// The bytes of each lane of a block of `count` documents (widths past 32 counted as 32).
    @inline(__always)
    func laneBytes(_ count: Int) -> (documents: Int, titles: Int, abstracts: Int) {
        (BitPacking.byteCount(count, width: min(documentWidth, 32)), BitPacking.byteCount(count, width: min(titleWidth, 32)),
         BitPacking.byteCount(count, width: min(abstractWidth, 32)))
    }

    /// The whole block's length, header included.
    @inline(__always)
    func blockLength(_ count: Int) -> Int {
        let lanes = laneBytes(count)
        return PostingsBlockHeader.size + lanes.documents + lanes.titles + lanes.abstracts
    }
}
