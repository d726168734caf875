/// Walks one term's postings in document order, decoding a block of 128 at a time from the mapped file
/// (format: `PostingsEncoder`). It follows the cursor contract of the search algorithms: `document` is the
/// current document, or `PostingsCursor.exhausted` once the list is consumed; `next()` and
/// `advance(to:)` only move forward.
///
/// For dynamic pruning it also exposes the skip table without decoding: the block that would hold a target
/// document (`shallowAdvance(to:)`), that block's last document and its largest saturation.
///
/// Damage found while decoding (a block that does not fit, documents out of order) ends the cursor and is
/// kept in `damage`; the searcher reports it as `IndexError.corrupt` instead of returning results.
struct PostingsCursor {
    static let exhausted = UInt32.max

    private(set) var document: UInt32 = 0
    private(set) var titleFrequency: UInt32 = 0
    private(set) var abstractFrequency: UInt32 = 0
    let documentFrequency: Int
    private(set) var damage: String?

    private let file: MappedFile
    private let documentCount: UInt32
    private let skipStart: Int
    private let dataStart: Int
    private let blockCount: Int
    private let positionsBase: Int

    private var block = -1
    private var index = 0
    private var blockLength = 0
    private var documents = InlineArray<128, UInt32>(repeating: 0)
    private var titles = InlineArray<128, UInt32>(repeating: 0)
    private var abstracts = InlineArray<128, UInt32>(repeating: 0)
    private var scratch = InlineArray<128, UInt32>(repeating: 0)

    /// The block `shallowAdvance` points at (>= `block`).
    private(set) var shallowBlock = 0

    /// A cursor over a term's postings. `postingsEnd` is the end of the postings file's body.
    init(info: TermInfo, postings: MappedFile, postingsEnd: Int, documentCount: Int) {
        file = postings
        documentFrequency = info.documentFrequency
        self.documentCount = UInt32(clamping: documentCount)
        positionsBase = info.positionsOffset
        if info.documentFrequency == 1 {
            skipStart = 0
            dataStart = 0
            blockCount = 0
            blockLength = 1
            index = 0
            documents[0] = info.singleDocument
            titles[0] = info.singleTitleFrequency
            abstracts[0] = info.singleAbstractFrequency
            block = 0
            if info.singleDocument >= self.documentCount {
                damage = "document number out of range"
                document = PostingsCursor.exhausted
                return
            }
            document = info.singleDocument
            titleFrequency = info.singleTitleFrequency
            abstractFrequency = info.singleAbstractFrequency
            return
        }
        blockCount = (info.documentFrequency + postingsBlockSize - 1) / postingsBlockSize
        skipStart = info.postingsOffset
        dataStart = skipStart + blockCount * SkipEntry.size
        guard info.postingsOffset >= 0, dataStart <= postingsEnd, blockCount > 0 else {
            damage = "postings list out of range"
            document = PostingsCursor.exhausted
            return
        }
        decodeBlock(0)
    }

    /// Whether this term's list has blocks (false for a single document).
    var hasBlocks: Bool { blockCount > 0 }

    // MARK: - Skip table

    func lastDocument(ofBlock b: Int) -> UInt32 {
        blockCount == 0 ? documents[0] : file.uint32(at: skipStart + b * SkipEntry.size)
    }

    func dataEnd(ofBlock b: Int) -> Int {
        Int(file.uint32(at: skipStart + b * SkipEntry.size + 4))
    }

    func maxSaturation(ofBlock b: Int) -> Float {
        file.float32(at: skipStart + b * SkipEntry.size + 12)
    }

    func skipEntry(_ b: Int) -> SkipEntry {
        let at = skipStart + b * SkipEntry.size
        return SkipEntry(
            lastDocument: file.uint32(at: at), dataEnd: file.uint32(at: at + 4), positionsStart: file.uint32(at: at + 8),
            maxSaturation: file.float32(at: at + 12), maxTitleFrequency: file.uint16(at: at + 16),
            maxAbstractFrequency: file.uint16(at: at + 18), minTitleLength: file.uint16(at: at + 20),
            minAbstractLength: file.uint16(at: at + 22))
    }

    /// Moves the shallow pointer to the block that would hold `target` (without decoding); returns false
    /// when every block ends before `target`.
    @discardableResult
    mutating func shallowAdvance(to target: UInt32) -> Bool {
        guard blockCount > 0 else { return target <= documents[0] }
        if shallowBlock < block { shallowBlock = block }
        while shallowBlock < blockCount && lastDocument(ofBlock: shallowBlock) < target { shallowBlock += 1 }
        return shallowBlock < blockCount
    }

    /// The last document of the shallow block (or `exhausted` past the end).
    var shallowBlockLastDocument: UInt32 {
        if blockCount == 0 { return documents[0] }
        return shallowBlock < blockCount ? lastDocument(ofBlock: shallowBlock) : PostingsCursor.exhausted
    }

    // MARK: - Moving

    private mutating func fail(_ reason: String) {
        damage = damage ?? reason
        document = PostingsCursor.exhausted
        index = blockLength
    }

    /// Decodes block `b` and moves to its first document.
    private mutating func decodeBlock(_ b: Int) {
        guard b < blockCount else {
            document = PostingsCursor.exhausted
            return
        }
        let start = dataStart + (b == 0 ? 0 : dataEnd(ofBlock: b - 1))
        let end = dataStart + dataEnd(ofBlock: b)
        let count = b == blockCount - 1 ? documentFrequency - postingsBlockSize * (blockCount - 1) : postingsBlockSize
        guard start >= dataStart, end >= start + 3, file.contains(start, end - start) else {
            return fail("postings block \(b) out of range")
        }
        let docWidth = Int(file.uint8(at: start)), titleWidth = Int(file.uint8(at: start + 1))
        let abstractWidth = Int(file.uint8(at: start + 2))
        guard docWidth <= 32, titleWidth <= 32, abstractWidth <= 32 else { return fail("bad bit width in postings block \(b)") }
        let docBytes = BitPacking.byteCount(count, width: docWidth)
        let titleBytes = BitPacking.byteCount(count, width: titleWidth)
        let abstractBytes = BitPacking.byteCount(count, width: abstractWidth)
        guard 3 + docBytes + titleBytes + abstractBytes == end - start else {
            return fail("postings block \(b) has the wrong length")
        }
        file.unpack(count, width: docWidth, at: start + 3, into: &scratch)
        file.unpack(count, width: titleWidth, at: start + 3 + docBytes, into: &titles)
        file.unpack(count, width: abstractWidth, at: start + 3 + docBytes + titleBytes, into: &abstracts)
        var previous: Int64 = b == 0 ? -1 : Int64(lastDocument(ofBlock: b - 1))
        for i in 0..<count {
            previous += Int64(scratch[i]) + 1
            documents[i] = UInt32(truncatingIfNeeded: previous)
        }
        guard previous < Int64(documentCount), UInt32(previous) == lastDocument(ofBlock: b) else {
            return fail("postings block \(b) does not end where its skip entry says")
        }
        block = b
        blockLength = count
        index = 0
        document = documents[0]
        titleFrequency = titles[0]
        abstractFrequency = abstracts[0]
        positionsIndex = 0
        positionsOffset = -1
    }

    mutating func next() {
        guard document != PostingsCursor.exhausted else { return }
        index += 1
        if index < blockLength {
            document = documents[index]
            titleFrequency = titles[index]
            abstractFrequency = abstracts[index]
        } else if blockCount == 0 {
            document = PostingsCursor.exhausted
        } else {
            decodeBlock(block + 1)
        }
    }

    /// Moves to the first document `>= target`.
    mutating func advance(to target: UInt32) {
        guard document < target else { return }
        if blockCount == 0 {
            document = PostingsCursor.exhausted
            return
        }
        if lastDocument(ofBlock: block) < target {
            var b = max(block + 1, shallowBlock)
            while b < blockCount && lastDocument(ofBlock: b) < target { b += 1 }
            decodeBlock(b)
            if document == PostingsCursor.exhausted { return }
        }
        while index < blockLength && documents[index] < target { index += 1 }
        if index < blockLength {
            document = documents[index]
            titleFrequency = titles[index]
            abstractFrequency = abstracts[index]
        } else {
            decodeBlock(block + 1)
        }
    }

    // MARK: - Positions

    private var positionsIndex = 0
    private var positionsOffset = -1

    /// The positions of the current document (title from 0, abstract from 2^20), read from positions.pos.
    mutating func positions(in positionsFile: MappedFile, positionsEnd: Int, into output: inout [UInt32]) {
        output.removeAll(keepingCapacity: true)
        guard document != PostingsCursor.exhausted else { return }
        if blockCount == 0 {
            positionsOffset = positionsBase
            positionsIndex = 0
        } else if positionsOffset < 0 || positionsIndex > index {
            positionsOffset = positionsBase + Int(file.uint32(at: skipStart + block * SkipEntry.size + 8))
            positionsIndex = 0
        }
        // Skip the positions of the block's earlier documents.
        var offset = positionsOffset
        while positionsIndex < index {
            let count = Int(titles[positionsIndex] + abstracts[positionsIndex])
            for _ in 0..<count {
                guard offset < positionsEnd, positionsFile.varint(at: &offset) != nil else {
                    return fail("positions out of range")
                }
            }
            positionsIndex += 1
        }
        positionsOffset = offset
        var position: UInt64 = 0
        for i in 0..<Int(titleFrequency + abstractFrequency) {
            if i == Int(titleFrequency) { position = UInt64(IndexFormat.abstractPositionBase) }
            guard offset < positionsEnd, let delta = positionsFile.varint(at: &offset) else { return fail("positions out of range") }
            position += delta
            output.append(UInt32(truncatingIfNeeded: position))
        }
    }
}
