/// The decoded document numbers of one postings block: two lanes of 128 integers (document numbers, and
/// scratch for gaps), in one heap allocation. (Frequencies are read in place, see `PostingsCursor`.) Cursors hold a
/// reference, so moving a cursor costs a retain rather than a 2 KiB copy; `PostingsCursor` copies the block
/// before writing when it is shared (copy on write).
///
/// Every access stays inside its lane: the index is masked to 0..<128 (cursors keep it below the block's
/// length, at most 128, so the mask never changes a valid index; it costs one instruction where a
/// precondition would cost a compare and a branch on the hottest path).
@safe final class DecodedBlock {
    static let laneSize = 128
    enum Lane: Int { case documents = 0, scratch = 1 }
    static let laneCount = 2

    private let base: UnsafeMutablePointer<UInt32>

    init() {
        unsafe base = UnsafeMutablePointer<UInt32>.allocate(capacity: DecodedBlock.laneCount * DecodedBlock.laneSize)
        unsafe base.initialize(repeating: 0, count: DecodedBlock.laneCount * DecodedBlock.laneSize)
    }

    deinit { unsafe base.deallocate() }

    func copy() -> DecodedBlock {
        let other = DecodedBlock()
        unsafe other.base.update(from: base, count: DecodedBlock.laneCount * DecodedBlock.laneSize)
        return other
    }

    @inline(__always)
    func get(_ lane: Lane, _ index: Int) -> UInt32 {
        unsafe base[lane.rawValue &* DecodedBlock.laneSize &+ (index & (DecodedBlock.laneSize - 1))]
    }

    @inline(__always)
    func set(_ lane: Lane, _ index: Int, _ value: UInt32) {
        unsafe base[lane.rawValue &* DecodedBlock.laneSize &+ (index & (DecodedBlock.laneSize - 1))] = value
    }

    /// Unpacks `count` values of `width` bits from the mapped file into a lane (see `MappedFile.unpack`).
    func unpack(from file: MappedFile, count: Int, width: Int, at offset: Int, into lane: Lane) {
        precondition(count <= DecodedBlock.laneSize)
        unsafe file.unpack(count, width: width, at: offset, into: base + lane.rawValue * DecodedBlock.laneSize)
    }
}
