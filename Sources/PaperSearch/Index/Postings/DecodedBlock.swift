/// The decoded document numbers of one postings block: three lanes of 128 integers (document numbers,
/// scratch, and where each document's positions start among the block's, filled when positions are first
/// read), in one heap allocation, with room after them for one skip entry (a list of one block
/// has none on disk; its cursor makes it here from the dictionary's entry). Frequencies are read in place
/// (see `PostingsCursor`). Cursors hold a reference, so moving a cursor costs a retain rather than a 1.5 KiB
/// copy; `PostingsCursor` copies the block before writing when it is shared (copy on write).
///
/// Every access stays inside its lane: the index is masked to 0..<128 (cursors keep it below the block's
/// length, at most 128, so the mask never changes a valid index; it costs one instruction where a
/// precondition would cost a compare and a branch on the hottest path).
@safe final class DecodedBlock {
    static let laneSize = 128
    enum Lane: Int { case documents = 0, scratch = 1, positionStarts = 2 }
    static let laneCount = 3

    /// The lanes, then the skip entry.
    private static let capacity = laneCount * laneSize + SkipEntry.size / 4
    private let base: UnsafeMutablePointer<UInt32>

    init() {
        unsafe base = UnsafeMutablePointer<UInt32>.allocate(capacity: DecodedBlock.capacity)
        unsafe base.initialize(repeating: 0, count: DecodedBlock.capacity)
    }

    deinit { unsafe base.deallocate() }

    func copy() -> DecodedBlock {
        let other = DecodedBlock()
        unsafe other.base.update(from: base, count: DecodedBlock.capacity)
        return other
    }

    /// The skip entry's `SkipEntry.size` bytes, valid while this block lives.
    var skipEntry: UnsafeMutableRawPointer {
        unsafe UnsafeMutableRawPointer(base + DecodedBlock.laneCount * DecodedBlock.laneSize)
    }

    /// Writes the skip entry in its on-disk layout (`PostingsEncoder`).
    func setSkipEntry(_ entry: SkipEntry) {
        unsafe entry.store(to: skipEntry)
    }

    /// What keeps an index inside a lane.
    static let laneMask = laneSize - 1

    @inline(__always)
    func get(_ lane: Lane, _ index: Int) -> UInt32 {
        unsafe base[lane.rawValue &* DecodedBlock.laneSize &+ (index & DecodedBlock.laneMask)]
    }

    /// The documents lane, `laneSize` values, valid while this block lives.
    var documents: UnsafePointer<UInt32> {
        unsafe UnsafePointer(base + Lane.documents.rawValue * DecodedBlock.laneSize)
    }

    /// Unpacks `count` gaps of `width` bits from the mapped file into document numbers in a block's documents
    /// lane, at `documents` (the block's scratch lane follows it; a static method taking the address, so that a
    /// cursor decoding a block neither retains nor releases it), each document the previous one plus its gap
    /// plus one, the first following `previous`, and returns the last. Documents come out strictly increasing:
    /// the gaps are non-negative and no sum can pass 2^32 - 1.
    /// When the gaps' width leaves no room for doubt (`previous + count · 2^width` stays below 2^32 - 1, as it
    /// does for every block of a valid index), the sums are made in 32-bit arithmetic as the gaps are
    /// unpacked; otherwise the gaps go to the scratch lane and are summed in 64-bit with a check, returning
    /// nil when a document would pass 2^32 - 1.
    @unsafe
    static func unpackDocuments(into documents: UnsafeMutablePointer<UInt32>, from file: MappedFile, count: Int, width: Int,
                                at offset: Int, after previous: Int64) -> Int64? {
        precondition(count <= DecodedBlock.laneSize && width <= 32 && previous >= -1)
        if previous + (Int64(count) << Int64(width)) < Int64(UInt32.max) {
            // -1 wraps to 2^32 - 1, and the first sum back to the gap.
            let last = unsafe file.unpackDocuments(count, width: width, at: offset, after: UInt32(truncatingIfNeeded: previous),
                                                   into: documents)
            return count > 0 ? Int64(last) : previous
        }
        let gaps = unsafe documents + (Lane.scratch.rawValue - Lane.documents.rawValue) * DecodedBlock.laneSize
        unsafe file.unpackGaps(count, width: width, at: offset, into: gaps)
        var running = previous
        for i in 0..<count {
            let gap = unsafe gaps[i]
            running += Int64(gap) + 1
            guard running < Int64(UInt32.max) else { return nil }
            unsafe documents[i] = UInt32(running)
        }
        return running
    }

    /// Fills the position-starts lane for a block of `count` documents whose frequency lanes lie in the mapped
    /// file at `titleOffset` and `abstractOffset`: value `i` is how many positions the documents before `i`
    /// have (both fields). Returns how many the whole block has, or nil past 2^32 - 1 (only damage could
    /// make that many). The title lane is unpacked, then the abstract lane with the sums made as its values
    /// come out; finding a document's start by walking the packed frequencies from the last one read cost a
    /// phrase check a sixth of its time, and summing in a pass of its own a tenth of the setting up.
    func fillPositionStarts(from file: MappedFile, count: Int, titleWidth: Int, at titleOffset: Int,
                            abstractWidth: Int, at abstractOffset: Int) -> Int? {
        unpack(from: file, count: count, width: titleWidth, at: titleOffset, into: .scratch)
        let titles = unsafe base + Lane.scratch.rawValue * DecodedBlock.laneSize
        let starts = unsafe base + Lane.positionStarts.rawValue * DecodedBlock.laneSize
        let total = unsafe file.unpackRunningStarts(count, width: abstractWidth, at: abstractOffset, adding: titles, into: starts)
        return total <= UInt64(UInt32.max) ? Int(total) : nil
    }

    /// Unpacks `count` values of `width` bits from the mapped file into a lane (see `MappedFile.unpack`).
    func unpack(from file: MappedFile, count: Int, width: Int, at offset: Int, into lane: Lane) {
        precondition(count <= DecodedBlock.laneSize)
        unsafe file.unpack(count, width: width, at: offset, into: base + lane.rawValue * DecodedBlock.laneSize)
    }
}
