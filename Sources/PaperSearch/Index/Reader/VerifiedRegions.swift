import Glibc
import Synchronization

/// Which of a file's checksummed regions (postings blocks, their positions, skip tables, dictionary blocks,
/// records) have been checked against their checksums since the index was opened, one bit per region number,
/// so that a region read again by later searches is not checksummed again. A hot block is read by query after
/// query; checksumming it each time cost arxiv-daily's phrase-3 searches 3.4% of their instructions, and more
/// of their time, as the checksum was the first touch of the block's memory (5M phrase-2: p99 about 9% lower
/// without it).
///
/// What stays true: no byte of a region is read as data before the region has matched its checksum once in
/// this process. Index files are written once and never changed in place (`IndexDirectory`), so a region that
/// matched stays matched; a file overwritten by another program while an index is open was never protected
/// anyway, since its bytes could change between the check and the read.
///
/// Bits are set with atomic or-ing (relaxed: a bit only guards work, it publishes no data), so searches on
/// several threads share the bits. A bit read as clear where another thread just set it costs one more check.
/// The words come zeroed from `calloc`: for a large file's regions the pages stay untouched (and take no
/// memory) until a region in them is verified.
@safe final class VerifiedRegions: Sendable {
    /// Invariant: `words` addresses `(count + 63) / 64` zero-initialised words, owned by this object.
    private nonisolated(unsafe) let words: UnsafeMutablePointer<Atomic<UInt64>>
    /// Region numbers run from 0 to `count - 1`.
    let count: Int

    init(count: Int) {
        self.count = max(0, count)
        let wordCount = max(1, (self.count + 63) / 64)
        // Zeroed memory is a valid `Atomic<UInt64>` holding 0 (the type has UInt64's layout).
        guard let memory = unsafe calloc(wordCount, MemoryLayout<UInt64>.stride) else {
            fatalError("out of memory for \(wordCount) words of verified regions")
        }
        unsafe words = memory.bindMemory(to: Atomic<UInt64>.self, capacity: wordCount)
    }

    deinit { unsafe free(words) }

    /// Whether region `region` has been verified; false for a number out of range (which is then checked,
    /// and never recorded).
    @inline(__always)
    func contains(_ region: Int) -> Bool {
        guard region >= 0, region < count else { return false }
        return unsafe (words + (region &>> 6)).pointee.load(ordering: .relaxed) & (1 &<< UInt64(region & 63)) != 0
    }

    /// Records that region `region` matched its checksum (a number out of range is not recorded).
    @inline(__always)
    func insert(_ region: Int) {
        guard region >= 0, region < count else { return }
        unsafe (words + (region &>> 6)).pointee.bitwiseOr(1 &<< UInt64(region & 63), ordering: .relaxed)
    }

    /// Whether `length` bytes of `file` at `offset`, region `region`, match `checksum` (`BlockChecksum`): at
    /// once when the region was verified before, else checksummed (false when they lie outside the file), and
    /// recorded when they match. The caller derives the offset, length and checksum of a region number from
    /// verified bytes alone, so they are the same at every call.
    @inline(__always)
    func verify(_ region: Int, _ file: MappedFile, _ offset: Int, _ length: Int, checksum: UInt32) -> Bool {
        if contains(region) { return true }
        guard file.blockChecksum(offset, length) == checksum else { return false }
        insert(region)
        return true
    }
}
