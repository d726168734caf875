import Glibc

/// Reads the term dictionary written by `TermDictionaryWriter`, in place in the mapped file: a binary search
/// over the blocks' first terms, then a scan of one block of at most 32 front-coded entries.
///
/// Every offset and length read from the file is checked against the file's body before use; damage is
/// reported as `IndexError.corrupt`, never read past. The block index and first terms are checked against
/// their checksum when the dictionary opens, and each block against its own when it is first read
/// (`VerifiedRegions`), so a damaged entry is an error, not a wrong term or wrong statistics.
struct TermDictionary: Sendable {
    let file: MappedFile
    let body: Range<Int>
    let termCount: Int
    let blockCount: Int
    let indexOffset: Int
    let firstTermsOffset: Int
    let firstTermsLength: Int
    /// The blocks that have matched their checksums.
    private let verified: VerifiedRegions

    init(file: MappedFile, body: Range<Int>) throws(IndexError) {
        self.file = file
        self.body = body
        let trailer = body.upperBound - TermDictionaryWriter.trailerSize
        guard trailer >= body.lowerBound else {
            throw .truncated(file: file.path, length: file.count, needed: body.lowerBound + TermDictionaryWriter.trailerSize + IndexFormat.footerSize)
        }
        func field(_ index: Int) -> Int { Int(truncatingIfNeeded: file.uint64(at: trailer + 8 * index)) }
        termCount = field(0)
        blockCount = field(1)
        indexOffset = field(2)
        firstTermsOffset = field(3)
        firstTermsLength = field(4)
        let entrySize = TermDictionaryWriter.blockIndexEntrySize
        // Every value is bounded by the file's length before any arithmetic on it, so none can overflow.
        guard termCount >= 0, termCount <= file.count, blockCount >= 0, blockCount <= termCount,
              blockCount * TermDictionaryWriter.blockSize >= termCount,
              indexOffset >= body.lowerBound, indexOffset <= trailer, blockCount <= (trailer - indexOffset) / entrySize,
              firstTermsOffset == indexOffset + entrySize * blockCount, firstTermsLength >= 0,
              firstTermsLength <= trailer - firstTermsOffset
        else { throw .corrupt(file: file.path, reason: "term dictionary trailer out of range") }
        guard file.blockChecksum(indexOffset, trailer - indexOffset) == UInt32(truncatingIfNeeded: file.uint64(at: trailer + 40)) else {
            throw .corrupt(file: file.path, reason: "the term dictionary's block index does not match its checksum")
        }
        verified = VerifiedRegions(count: blockCount)
    }

    private func corrupt(_ reason: String) -> IndexError { .corrupt(file: file.path, reason: reason) }

    /// The block's data offset, its first term's location in the first-terms heap, and its checksum.
    private func blockEntry(_ block: Int) throws(IndexError) -> (offset: Int, termStart: Int, termLength: Int, checksum: UInt32) {
        let at = indexOffset + TermDictionaryWriter.blockIndexEntrySize * block
        let offset = Int(truncatingIfNeeded: file.uint64(at: at))
        let termStart = Int(file.uint32(at: at + 8))
        let termLength = Int(file.uint32(at: at + 12))
        guard offset >= body.lowerBound, offset < indexOffset, termStart + termLength <= firstTermsLength else {
            throw corrupt("term dictionary block \(block) out of range")
        }
        return (offset, firstTermsOffset + termStart, termLength, file.uint32(at: at + 16))
    }

    /// The last block whose first term is `<= term`, or nil if `term` sorts before every term.
    func block(for term: [UInt8]) throws(IndexError) -> Int? {
        guard blockCount > 0 else { return nil }
        let entrySize = TermDictionaryWriter.blockIndexEntrySize
        let heapStart = firstTermsOffset - indexOffset
        // One pass over the block index and the first terms (checked at open, and against each other in
        // `init`), read in place; each first term's location is checked against the heap before it is read.
        let found: Int?? = file.withBytes(indexOffset, heapStart + firstTermsLength) { region in
            unsafe region.withUnsafeBufferPointer { bytes -> Int?? in
                guard let base = bytes.baseAddress else { return .some(nil) }
                return unsafe term.withUnsafeBufferPointer { wanted -> Int?? in
                    var low = 0, high = blockCount - 1
                    var found: Int?
                    while low <= high {
                        let middle = (low + high) >> 1
                        let entry = UnsafeRawPointer(unsafe base + middle * entrySize)
                        let start = Int(UInt32(littleEndian: unsafe entry.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
                        let length = Int(UInt32(littleEndian: unsafe entry.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
                        guard start <= firstTermsLength, length <= firstTermsLength - start else { return nil }
                        if unsafe TermDictionary.order(of: wanted, against: base + heapStart + start, length: length) >= 0 {
                            found = middle
                            low = middle + 1
                        } else {
                            high = middle - 1
                        }
                    }
                    return .some(found)
                }
            }
        }
        guard let found else { throw corrupt("term dictionary first term out of range") }
        return found
    }

    /// Whether `key` sorts before the first term of `block` (checked against the first-terms heap, as
    /// `block(for:)` reads it).
    func sorts(_ key: [UInt8], beforeFirstTermOf block: Int) throws(IndexError) -> Bool {
        let entry = try blockEntry(block)
        return file.withBytes(entry.termStart, entry.termLength) { first in
            unsafe first.withUnsafeBufferPointer { firstBytes in
                // An empty first term (a damaged heap): nothing sorts before it.
                guard let firstBase = firstBytes.baseAddress else { return false }
                return unsafe key.withUnsafeBufferPointer { keyBytes in
                    unsafe TermDictionary.order(of: keyBytes, against: UnsafeRawPointer(firstBase), length: firstBytes.count) < 0
                }
            }
        }
    }

    /// The order of `key` against the `length` bytes at `other`, as bytes: negative when it sorts before
    /// them, zero when equal, positive after (`memcmp`, then the shorter first).
    @unsafe @inline(__always)
    private static func order(of key: UnsafeBufferPointer<UInt8>, against other: UnsafeRawPointer, length: Int) -> Int {
        let common = min(key.count, length)
        var order = 0
        if common > 0, let base = key.baseAddress { order = Int(unsafe memcmp(base, other, common)) }
        return order != 0 ? order : key.count - length
    }

    /// Reads entries of one block in order.
    struct BlockReader {
        let dictionary: TermDictionary
        var offset: Int
        private(set) var end: Int
        var remaining: Int
        /// The current term is `termBytes[..<termCount]`. The buffer only grows: an entry's suffix is written
        /// in place after the bytes it shares with the term before (Array's `removeLast` and `append` took
        /// more instructions than the rest of reading the entry, in the fuzzy walk).
        private(set) var termBytes: [UInt8] = []  // allocated by the first term decoded (a lookup's scan needs none)
        private(set) var termCount = 0

        init(dictionary: TermDictionary, offset: Int, end: Int, remaining: Int) {
            self.dictionary = dictionary
            self.offset = offset
            self.end = end
            self.remaining = remaining
        }

        /// Moves to the start of another block of the same dictionary (as `reader(ofBlock:)`, keeping the term
        /// buffer: a walk that jumps between blocks allocates none).
        mutating func move(toBlock block: Int) throws(IndexError) {
            (offset, end, remaining) = try dictionary.checkedBlock(block)
            termCount = 0
        }

        /// The current term (a copy).
        var term: [UInt8] { Array(termBytes[..<termCount]) }

        /// Makes the term its first `kept` bytes followed by `count` bytes from `source`. `kept` is at most
        /// `termCount` (callers check it), so the bytes kept are the term's own.
        @inline(__always)
        private mutating func setTerm(keeping kept: Int, _ source: UnsafeRawPointer, count: Int) {
            let length = kept + count
            termCount = length
            guard count > 0 else { return }
            if termBytes.count < length { termBytes += repeatElement(0, count: max(length, 32, 2 * termBytes.count) - termBytes.count) }
            // The buffer is not empty here (length > 0), so it has an address.
            unsafe termBytes.withUnsafeMutableBytes { bytes in
                unsafe bytes.baseAddress.unsafelyUnwrapped.advanced(by: kept).copyMemory(from: source, byteCount: count)
            }
        }

        /// Decodes the next entry; nil at the end of the block.
        mutating func next() throws(IndexError) -> TermInfo? {
            guard try nextTerm() else { return nil }
            return try info()
        }

        private mutating func varint() throws(IndexError) -> Int {
            guard offset < end, let value = dictionary.file.varint(at: &offset), offset <= end, value < UInt64(Int.max >> 1) else {
                throw dictionary.corrupt("term dictionary entry out of range")
            }
            return Int(value)
        }

        /// Moves to the next entry and decodes its term into `term`; false at the end of the block. Must be
        /// followed by `info()` or `skipInfo()`.
        mutating func nextTerm() throws(IndexError) -> Bool {
            guard remaining > 0 else { return false }
            remaining -= 1
            let prefix = try varint()
            let suffix = try varint()
            guard prefix <= termCount, suffix <= end - offset, prefix + suffix > 0,
                  let source = unsafe dictionary.file.address(offset, suffix) else {
                throw dictionary.corrupt("bad term dictionary entry")
            }
            unsafe setTerm(keeping: prefix, source, count: suffix)
            offset += suffix
            return true
        }

        /// Where a scan of the rest of the block for a target stopped.
        private enum ScanOutcome {
            /// At the first entry that does not sort before the target: where it starts and where its term
            /// ends, the entries left after it, how many bytes the previous term shares with the target, and
            /// whether the entry is the target.
            case at(entryStart: Int, termEnd: Int, left: Int, matched: Int, equal: Bool)
            /// Every entry left sorts before the target.
            case end
            case damaged
        }

        /// Scans the rest of the block for the first entry not sorting before `target`, without building the
        /// terms. Front coding tells most of the answer: with `matched` the length `target` shares with the
        /// previous term (which sorts before it), an entry sharing more than `matched` bytes with that term
        /// also sorts before `target`, and one sharing fewer sorts after it; only an entry sharing exactly
        /// `matched` bytes needs its suffix compared.
        ///
        /// The reader's current term (empty at the start of a block) must sort before `target`: the scan starts
        /// from the length the two share.
        private func scan(for target: [UInt8]) -> ScanOutcome {
            let start = offset, count = remaining
            var shared = 0
            while shared < termCount && shared < target.count && termBytes[shared] == target[shared] { shared += 1 }
            // One pass over the block's bytes (in the file: `reader(ofBlock:)` checked the range and its
            // checksum), reading each entry's lengths and stepping over its statistics without decoding them.
            return dictionary.file.withBytes(start, end - start) { block in
                unsafe block.withUnsafeBufferPointer { bytes -> ScanOutcome in
                    guard let base = bytes.baseAddress else { return count == 0 ? .end : .damaged }
                    let size = bytes.count
                    // Every read below is preceded by `at < size` (or a length check): a damaged block that
                    // passed its checksum still cannot make the scan read outside it.
                    var at = 0, matched = shared, left = count
                    @inline(__always) func varint() -> Int? {
                        guard at < size else { return nil }
                        let first = unsafe base[at]
                        at += 1
                        if first < 0x80 { return Int(first) }
                        var value = Int(first & 0x7F), shift = 7
                        while at < size && shift < 35 {
                            let byte = unsafe base[at]
                            at += 1
                            value |= Int(byte & 0x7F) << shift
                            if byte < 0x80 { return value }
                            shift += 7
                        }
                        return nil
                    }
                    return unsafe target.withUnsafeBufferPointer { wanted -> ScanOutcome in
                        while left > 0 {
                            left -= 1
                            let entryStart = at
                            guard let prefix = varint(), let suffix = varint(), suffix <= size - at, prefix + suffix > 0 else {
                                return .damaged
                            }
                            let suffixStart = at
                            at += suffix
                            if prefix < matched { return .at(entryStart: start + entryStart, termEnd: start + at, left: left, matched: matched, equal: false) }
                            if prefix == matched {
                                // Compare the suffix with the rest of the target.
                                let rest = wanted.count - matched
                                let common = min(suffix, rest)
                                var index = 0
                                while index < common, unsafe base[suffixStart + index] == wanted[matched + index] { index += 1 }
                                let order = index < common ? (unsafe base[suffixStart + index] < wanted[matched + index] ? -1 : 1)
                                                           : (suffix > rest ? 1 : (suffix < rest ? -1 : 0))
                                if order >= 0 {
                                    return .at(entryStart: start + entryStart, termEnd: start + at, left: left, matched: matched, equal: order == 0)
                                }
                                matched += index
                            }
                            // The statistics, as `skipInfo()` steps over them.
                            guard let frequency = varint(), frequency >= 1 else { return .damaged }
                            if frequency == 1 {
                                guard unsafe VarInt.skip(3, in: bytes, at: &at), let length = varint(), length <= size - at else { return .damaged }
                                at += length
                            } else {
                                guard unsafe VarInt.skip(2, in: bytes, at: &at), size - at >= 4 else { return .damaged }
                                at += 4
                                let oneBlock = frequency <= postingsBlockSize
                                guard unsafe VarInt.skip(oneBlock ? 5 : 4, in: bytes, at: &at), size - at >= (oneBlock ? 8 : 4) else { return .damaged }
                                at += oneBlock ? 8 : 4
                            }
                        }
                        return .end
                    }
                }
            }
        }

        /// The entry of `target` in the rest of the block, or nil; a found entry leaves the reader after it.
        mutating func seek(_ target: [UInt8]) throws(IndexError) -> TermInfo? {
            switch scan(for: target) {
            case let .at(_, termEnd, left, _, equal):
                guard equal else { return nil }
                offset = termEnd
                remaining = left
                var found = try info()
                found.hasPositions = FieldNamespace.hasPositions(termStartingWith: target.first)
                return found
            case .end:
                return nil
            case .damaged:
                throw dictionary.corrupt("bad term dictionary entry")
            }
        }

        /// Moves past every entry of the rest of the block that sorts before `target` (which the current term
        /// sorts before too), so that `nextTerm()` reads the first that does not (none, when the block has none). The term buffer is left holding the
        /// bytes that entry may take from the one before it: those it shares with `target` (`matched`), since
        /// its front-coded prefix is no longer than that.
        /// Returns false when every entry left sorts before `target` (the reader is then at the block's end).
        @discardableResult
        mutating func skip(before target: [UInt8]) throws(IndexError) -> Bool {
            switch scan(for: target) {
            case let .at(entryStart, _, left, matched, _):
                offset = entryStart
                remaining = left + 1
                unsafe target.withUnsafeBytes { bytes in
                    if let base = bytes.baseAddress { unsafe setTerm(keeping: 0, base, count: matched) } else { termCount = 0 }
                }
                return true
            case .end:
                remaining = 0
                return false
            case .damaged:
                throw dictionary.corrupt("bad term dictionary entry")
            }
        }

        /// Decodes the current entry's statistics (of `term`, after `nextTerm()`).
        mutating func info() throws(IndexError) -> TermInfo {
            let frequency = try varint()
            guard frequency >= 1 else { throw dictionary.corrupt("term with no documents") }
            var info = TermInfo(documentFrequency: frequency, postingsOffset: 0, positionsOffset: 0)
            info.hasPositions = FieldNamespace.hasPositions(termStartingWith: termCount > 0 ? termBytes[0] : nil)
            if frequency == 1 {
                info.singleDocument = UInt32(truncatingIfNeeded: try varint())
                info.singleTitleFrequency = UInt32(truncatingIfNeeded: try varint())
                info.singleAbstractFrequency = UInt32(truncatingIfNeeded: try varint())
                let length = try varint()
                guard length <= end - offset else { throw dictionary.corrupt("term dictionary entry out of range") }
                info.positionsOffset = offset
                info.inlinePositionsLength = length
                offset += length
            } else {
                info.postingsOffset = try varint()
                info.positionsOffset = try varint()
                guard end - offset >= 4 else { throw dictionary.corrupt("term dictionary entry out of range") }
                info.maxSaturation = dictionary.file.float32(at: offset)
                offset += 4
                info.maxTitleFrequency = UInt32(truncatingIfNeeded: try varint())
                info.maxAbstractFrequency = UInt32(truncatingIfNeeded: try varint())
                info.minTitleLength = UInt32(truncatingIfNeeded: try varint())
                info.minAbstractLength = UInt32(truncatingIfNeeded: try varint())
                if info.blockCount == 1 {
                    info.onlyBlockLastDocument = UInt32(truncatingIfNeeded: try varint())
                    guard end - offset >= 8 else { throw dictionary.corrupt("term dictionary entry out of range") }
                    info.onlyBlockChecksumOffset = offset
                    info.onlyBlockChecksum = dictionary.file.uint32(at: offset)
                    info.onlyBlockPositionsChecksum = dictionary.file.uint32(at: offset + 4)
                    offset += 8
                } else {
                    guard end - offset >= 4 else { throw dictionary.corrupt("term dictionary entry out of range") }
                    info.skipTableChecksum = dictionary.file.uint32(at: offset)
                    offset += 4
                }
            }
            return info
        }

        /// Steps over the current entry's statistics (the same fields as `info()`, not kept).
        mutating func skipInfo() throws(IndexError) {
            let frequency = try varint()
            guard frequency >= 1 else { throw dictionary.corrupt("term with no documents") }
            if frequency == 1 {
                guard dictionary.file.skipVarints(3, at: &offset, end: end) else {
                    throw dictionary.corrupt("term dictionary entry out of range")
                }
                let length = try varint()
                guard length <= end - offset else { throw dictionary.corrupt("term dictionary entry out of range") }
                offset += length
                return
            }
            let oneBlock = frequency <= postingsBlockSize
            guard dictionary.file.skipVarints(2, at: &offset, end: end), end - offset >= 4 else {
                throw dictionary.corrupt("term dictionary entry out of range")
            }
            offset += 4
            guard dictionary.file.skipVarints(oneBlock ? 5 : 4, at: &offset, end: end), end - offset >= (oneBlock ? 8 : 4) else {
                throw dictionary.corrupt("term dictionary entry out of range")
            }
            offset += oneBlock ? 8 : 4
        }
    }

    /// A reader of one block, whose bytes are checked against its checksum first.
    func reader(ofBlock block: Int) throws(IndexError) -> BlockReader {
        let (offset, end, count) = try checkedBlock(block)
        return BlockReader(dictionary: self, offset: offset, end: end, remaining: count)
    }

    /// A block's byte range and entry count, its bytes checked against its checksum.
    fileprivate func checkedBlock(_ block: Int) throws(IndexError) -> (offset: Int, end: Int, count: Int) {
        let entry = try blockEntry(block)
        let end = block + 1 < blockCount ? try blockEntry(block + 1).offset : indexOffset
        guard end >= entry.offset else { throw corrupt("term dictionary blocks out of order") }
        guard verified.verify(block, file, entry.offset, end - entry.offset, checksum: entry.checksum) else {
            throw corrupt("term dictionary block \(block) does not match its checksum")
        }
        return (entry.offset, end, min(TermDictionaryWriter.blockSize, termCount - block * TermDictionaryWriter.blockSize))
    }

    /// The entry of an exact term (namespace byte first), or nil.
    func lookup(_ term: [UInt8]) throws(IndexError) -> TermInfo? {
        guard let block = try block(for: term) else { return nil }
        var reader = try reader(ofBlock: block)
        return try reader.seek(term)
    }

    /// Every term starting with `prefix` (namespace byte first), in order, at most `limit` of them; the
    /// second value says whether more were left out.
    func terms(withPrefix prefix: [UInt8], limit: Int) throws(IndexError) -> (terms: [([UInt8], TermInfo)], truncated: Bool) {
        var result: [([UInt8], TermInfo)] = []
        var block = try self.block(for: prefix) ?? 0
        var first = true
        while block < blockCount {
            var reader = try reader(ofBlock: block)
            // The terms before the prefix in its first block, passed over on their raw bytes.
            if first { try reader.skip(before: prefix) }
            first = false
            while let info = try reader.next() {
                let term = reader.term
                if term.starts(with: prefix) {
                    if result.count == limit { return (result, true) }
                    result.append((term, info))
                } else if prefix.lexicographicallyPrecedes(term) {
                    return (result, false)
                }
            }
            block += 1
        }
        return (result, false)
    }

    /// Calls `body` for every term in order (for `verify` and statistics).
    func forEachTerm(_ body: ([UInt8], TermInfo) throws(IndexError) -> Void) throws(IndexError) {
        var seen = 0
        var previous: [UInt8] = []
        for block in 0..<blockCount {
            var reader = try reader(ofBlock: block)
            while let info = try reader.next() {
                let term = reader.term
                if seen > 0 && !previous.lexicographicallyPrecedes(term) {
                    throw corrupt("terms out of order")
                }
                previous = term
                seen += 1
                try body(term, info)
            }
        }
        guard seen == termCount else { throw corrupt("the dictionary holds \(seen) terms, its trailer says \(termCount)") }
    }
}
