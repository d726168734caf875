/// Walks one term's postings in document order, decoding a block of 128 at a time from the mapped file
/// (format: `PostingsEncoder`). It follows the cursor contract of the search algorithms: `document` is the
/// current document, or `PostingsCursor.exhausted` once the list is consumed; `next()` and
/// `advance(to:)` only move forward.
///
/// For dynamic pruning it also exposes the skip table without decoding: the block that would hold a target
/// document (`shallowAdvance(to:)`), that block's last document and its largest saturation. The skip table
/// is checked against its checksum when a cursor is first made on it, each block when it is first decoded,
/// and each block's positions when they are first read: first since the index opened, as the segment's
/// `VerifiedRegions` remember what matched. A list of one block has no skip table on disk: the cursor writes its
/// entry, from the dictionary's, into its `DecodedBlock`, so that every list is read the same way.
///
/// Damage found while decoding (a block that does not fit, documents out of order) ends the cursor and is
/// kept in `damage`; the searcher reports it as `IndexError.corrupt` instead of returning results.
@safe struct PostingsCursor {
    static let exhausted = UInt32.max

    private(set) var document: UInt32 = 0
    /// Frequencies of a single-document term.
    private var singleTitleFrequency: UInt32 = 0
    private var singleAbstractFrequency: UInt32 = 0
    /// The current block's frequency lanes, read in place: most postings a cursor passes over are skipped or
    /// not scored, and a probe scores one posting of a block, so unpacking whole lanes would waste most of
    /// the work; reading one bit-packed value is a load, a shift and a mask. `frequencies` is the title
    /// lane's address; the abstract lane starts `abstractBitStart` bits after it. Invariant (checked in
    /// `decodeBlock`): both lanes and 8 bytes after them lie in the mapped file, so an 8-byte load for any
    /// value up to index `blockLength` stays inside it.
    private var frequencies: UnsafeRawPointer?
    /// Where the title lane starts in the mapped file.
    private var frequenciesOffset = 0
    private var titleWidth = 0, titleMask: UInt64 = 0
    private var abstractWidth = 0, abstractMask: UInt64 = 0
    private var abstractBitStart = 0

    /// The current document's title frequency.
    var titleFrequency: UInt32 {
        @inline(__always) get {
            if blockCount == 0 { return singleTitleFrequency }
            return packedFrequency(bitStart: 0, width: titleWidth, mask: titleMask, index)
        }
    }

    /// The current document's abstract frequency.
    var abstractFrequency: UInt32 {
        @inline(__always) get {
            if blockCount == 0 { return singleAbstractFrequency }
            return packedFrequency(bitStart: abstractBitStart, width: abstractWidth, mask: abstractMask, index)
        }
    }

    /// Value `i` of a frequency lane. Invariant: `i` is at most `blockLength` — the callers pass `index`,
    /// which no method moves past it (a cursor that ends or fails stops at `blockLength`), or a smaller one.
    /// Value `blockLength` of a lane ends where the lane does, so with the 8 bytes checked after the lanes
    /// (see `frequencies`) every read stays in the file, whatever the file holds; widths are at most 32, so
    /// the shift leaves at least 32 valid bits. (Clamping `i` here cost 4% of query time.)
    @inline(__always)
    private func packedFrequency(bitStart: Int, width: Int, mask: UInt64, _ i: Int) -> UInt32 {
        guard let lanes = unsafe frequencies else { return 0 }
        let bit = bitStart &+ i &* width
        let word = unsafe UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
        return UInt32(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask)
    }
    let documentFrequency: Int
    private(set) var damage: String?

    private let file: MappedFile
    private let documentCount: UInt32
    private let dataStart: Int
    /// The segment's record of the regions verified, and the number of the entry holding the checksums of this
    /// list's first block (`PostingsRegion`; -1: a list of one document or none): a block or its positions
    /// checked once is not checksummed again.
    private let verified: VerifiedRegions
    private let firstEntry: Int
    /// Blocks of 128 postings in the list (0 for a single-document term).
    let blockCount: Int
    /// The list's skip entries (none for a single-document term). Invariant: for a list of one block they are
    /// in `decoded` (`DecodedBlock.skipEntry`), and move with it when it is copied.
    private(set) var skipTable: SkipTable
    /// Where the positions are: positions.pos, or for a single document the term dictionary; the end of the
    /// region they must lie in.
    private let positionsFile: MappedFile
    private let positionsEnd: Int
    private let positionsBase: Int
    private let hasPositions: Bool

    /// The block the current document is in.
    private(set) var block = -1
    private var index = 0
    /// Postings in the current block.
    private(set) var blockLength = 0
    /// The decoded block, shared between copies of the cursor until one of them decodes (copy on write).
    private var decoded = DecodedBlock() {
        didSet { unsafe documents = decoded.documents }
    }
    /// The documents lane of `decoded`, read without going through the object on the hottest paths.
    /// Invariant: it addresses `decoded`'s lane (set whenever `decoded` changes), which this cursor keeps
    /// alive; reads mask the index to the lane (`DecodedBlock.laneMask`).
    private var documents: UnsafePointer<UInt32>
    /// The last document of the current block (a copy of its skip entry's, read on every move).
    private var blockLastDocument: UInt32 = 0
    /// The only document of a single-document term.
    private var singleDocument: UInt32 = 0

    /// The block `shallowAdvance` points at (>= `block`).
    private(set) var shallowBlock = 0

    /// A cursor over a term's postings, in the files of `segment`.
    init(info: TermInfo, in segment: SegmentFiles, documentCount: Int) {
        unsafe documents = decoded.documents
        file = segment.postings
        verified = info.blockCount >= 2 ? segment.verified : segment.verifiedOneBlock
        firstEntry = info.blockCount >= 2 ? info.postingsOffset / SkipEntry.size
            : info.blockCount == 1 && info.onlyBlockChecksumOffset >= 0 ? info.onlyBlockChecksumOffset / PostingsRegion.oneBlockEntrySize : -1
        documentFrequency = info.documentFrequency
        self.documentCount = UInt32(clamping: documentCount)
        positionsBase = info.positionsOffset
        hasPositions = info.hasPositions
        if info.documentFrequency == 1 {
            // The dictionary entry was checked against its block's checksum when it was read.
            positionsFile = segment.terms
            positionsEnd = info.positionsOffset + info.inlinePositionsLength
        } else {
            positionsFile = segment.positions
            positionsEnd = segment.positionsEnd
        }
        let postingsEnd = segment.postingsEnd
        if info.documentFrequency == 0 {
            // A term a segment does not hold: no documents (`empty`).
            skipTable = SkipTable()
            dataStart = 0
            blockCount = 0
            singleDocument = PostingsCursor.exhausted
            document = PostingsCursor.exhausted
            return
        }
        if info.documentFrequency == 1 {
            skipTable = SkipTable()
            dataStart = 0
            blockCount = 0
            blockLength = 1
            index = 0
            singleDocument = info.singleDocument
            block = 0
            if info.singleDocument >= self.documentCount {
                damage = "document number out of range"
                document = PostingsCursor.exhausted
                return
            }
            document = info.singleDocument
            singleTitleFrequency = info.singleTitleFrequency
            singleAbstractFrequency = info.singleAbstractFrequency
            return
        }
        let blocks = info.blockCount
        if blocks == 1 {
            // The block's length follows from its widths; its bytes are checked against the checksum when
            // it is decoded.
            let start = info.postingsOffset
            guard start >= 0, start <= postingsEnd - PostingsBlockHeader.size, file.contains(start, PostingsBlockHeader.size) else {
                skipTable = SkipTable()
                blockCount = 0
                dataStart = 0
                damage = "postings list out of range"
                document = PostingsCursor.exhausted
                return
            }
            let length = PostingsBlockHeader(file, at: start).blockLength(info.documentFrequency)
            decoded.setSkipEntry(SkipEntry(
                lastDocument: info.onlyBlockLastDocument, dataEnd: UInt32(length), positionsStart: 0,
                maxSaturation: info.maxSaturation, maxTitleFrequency: UInt16(clamping: info.maxTitleFrequency),
                maxAbstractFrequency: UInt16(clamping: info.maxAbstractFrequency),
                minTitleLength: UInt16(clamping: info.minTitleLength), minAbstractLength: UInt16(clamping: info.minAbstractLength),
                blockChecksum: info.onlyBlockChecksum, positionsChecksum: info.onlyBlockPositionsChecksum))
            skipTable = unsafe SkipTable(entries: decoded.skipEntry, count: 1)
            blockCount = 1
            dataStart = start
            decodeBlock(0)
            return
        }
        let skipStart = info.postingsOffset
        dataStart = skipStart + blocks * SkipEntry.size
        guard info.postingsOffset >= 0, dataStart <= postingsEnd, blocks > 0,
              let skips = unsafe file.address(skipStart, blocks * SkipEntry.size),
              verified.verify(PostingsRegion.skipTable.number(entry: firstEntry), file, skipStart, blocks * SkipEntry.size,
                              checksum: info.skipTableChecksum) else {
            // Read as an empty list: no skip entry is ever read.
            blockCount = 0
            skipTable = SkipTable()
            damage = info.postingsOffset >= 0 && dataStart <= postingsEnd && blocks > 0 && file.contains(skipStart, blocks * SkipEntry.size)
                ? "a skip table does not match its checksum" : "postings list out of range"
            document = PostingsCursor.exhausted
            return
        }
        blockCount = blocks
        skipTable = unsafe SkipTable(entries: skips, count: blocks)
        decodeBlock(0)
    }

    /// A cursor with no documents: a term that one segment of an index does not hold.
    static func empty(_ segment: SegmentFiles) -> PostingsCursor {
        PostingsCursor(info: TermInfo(documentFrequency: 0, postingsOffset: 0, positionsOffset: 0), in: segment, documentCount: 0)
    }

    /// Whether this term's list has blocks (false for a single document).
    @inline(__always)
    var hasBlocks: Bool { blockCount > 0 }

    // MARK: - Skip table

    @inline(__always)
    func lastDocument(ofBlock b: Int) -> UInt32 {
        blockCount == 0 ? singleDocument : skipTable.lastDocument(b)
    }

    @inline(__always)
    func dataEnd(ofBlock b: Int) -> Int {
        Int(skipTable.field(b, 4, as: UInt32.self))
    }

    /// Moves the shallow pointer to the block that would hold `target` (without decoding); returns false
    /// when every block ends before `target`.
    @discardableResult
    mutating func shallowAdvance(to target: UInt32) -> Bool {
        guard blockCount > 0 else { return target <= singleDocument }
        shallowBlock = skipTable.firstBlock(from: max(shallowBlock, block), reaching: target)
        return shallowBlock < blockCount
    }

    /// The last document of the shallow block (or `exhausted` past the end).
    @inline(__always)
    var shallowBlockLastDocument: UInt32 {
        if blockCount == 0 { return singleDocument }
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
        guard start >= dataStart, end >= start + PostingsBlockHeader.size, file.contains(start, end - start) else {
            return fail("postings block \(b) out of range")
        }
        let header = PostingsBlockHeader(file, at: start)
        guard matchesChecksum(.block, ofBlock: b, file, start, end - start, skipTable.field(b, 24, as: UInt32.self)) else {
            return fail("postings block \(b) does not match its checksum")
        }
        guard header.isValid else { return fail("bad bit width in postings block \(b)") }
        let (docBytes, titleBytes, abstractBytes) = header.laneBytes(count)
        guard PostingsBlockHeader.size + docBytes + titleBytes + abstractBytes == end - start else {
            return fail("postings block \(b) has the wrong length")
        }
        guard let lanes = unsafe file.address(start + PostingsBlockHeader.size + docBytes, titleBytes + abstractBytes + 8) else {
            return fail("postings block \(b) out of range")
        }
        makeDecodedUnique()
        let previous: Int64 = b == 0 ? -1 : Int64(lastDocument(ofBlock: b - 1))
        // Through the lanes' address (`documents`) rather than the object: calling the object's method retained
        // and released it for every block decoded. `decoded` is unique here, so writing its lanes is safe.
        guard let last = unsafe DecodedBlock.unpackDocuments(into: UnsafeMutablePointer(mutating: documents), from: file, count: count,
                                                             width: header.documentWidth, at: start + PostingsBlockHeader.size,
                                                             after: previous),
              last < Int64(documentCount), UInt32(last) == lastDocument(ofBlock: b) else {
            return fail("postings block \(b) does not end where its skip entry says")
        }
        // The lanes change with `blockLength`, never apart from it (see `packedFrequency`).
        unsafe frequencies = lanes
        frequenciesOffset = start + PostingsBlockHeader.size + docBytes
        titleWidth = header.titleWidth
        abstractWidth = header.abstractWidth
        titleMask = (1 << UInt64(titleWidth)) - 1
        abstractMask = (1 << UInt64(abstractWidth)) - 1
        abstractBitStart = 8 * titleBytes
        self.block = b
        blockLastDocument = UInt32(truncatingIfNeeded: last)
        blockLength = count
        index = 0
        load(0)
        positionsCheckedBlock = -1
    }

    /// Whether the `length` bytes at `offset` of `file`, region `kind` of block `b`, match `checksum`: checked
    /// the first time only (`VerifiedRegions`).
    @inline(__always)
    private func matchesChecksum(_ kind: PostingsRegion, ofBlock b: Int, _ file: MappedFile, _ offset: Int, _ length: Int,
                                 _ checksum: UInt32) -> Bool {
        guard firstEntry >= 0 else { return file.blockChecksum(offset, length) == checksum }
        return verified.verify(kind.number(entry: firstEntry &+ b), file, offset, length, checksum: checksum)
    }

    /// Copies the decoded block before it is written, if another cursor (a copy of this one) shares it (the
    /// copy out of line: the test is on every block decoded).
    @inline(__always)
    private mutating func makeDecodedUnique() {
        if !isKnownUniquelyReferenced(&decoded) { copyDecoded() }
    }

    @inline(never)
    private mutating func copyDecoded() {
        decoded = decoded.copy()
        // A list of one block reads its skip entry from `decoded` (every longer list has two or more).
        if blockCount == 1 { unsafe skipTable = SkipTable(entries: decoded.skipEntry, count: 1) }
    }

    /// Makes entry `i` of the decoded block current.
    @inline(__always)
    private mutating func load(_ i: Int) {
        document = documentAt(i)
    }

    /// Entry `i` of the decoded documents (masked to the lane: see `documents`).
    @inline(__always)
    private func documentAt(_ i: Int) -> UInt32 {
        unsafe documents[i & DecodedBlock.laneMask]
    }

    /// Entry `i` of the decoded block's position starts (masked to the lane), read through `documents`: the
    /// lanes lie one after another in the block's allocation.
    @inline(__always)
    private func positionStartAt(_ i: Int) -> UInt32 {
        unsafe documents[DecodedBlock.Lane.positionStarts.rawValue &* DecodedBlock.laneSize &+ (i & DecodedBlock.laneMask)]
    }

    mutating func next() {
        guard document != PostingsCursor.exhausted else { return }
        index += 1
        if index < blockLength && blockCount > 0 {
            load(index)
        } else if blockCount == 0 {
            document = PostingsCursor.exhausted
        } else {
            decodeBlock(block + 1)
        }
    }

    /// Moves past the documents from the current one up to `last` (inclusive) for which
    /// `passable(titleFrequency, abstractFrequency)` holds, and stops on the first for which it does not (or
    /// on the first after `last`, or exhausted). Returns whether it moved. A pruning loop's test of a lead
    /// term's documents from their frequencies alone, run over the decoded block without going around the
    /// loop for each document passed over.
    @inline(__always)
    mutating func pass(through last: UInt32, where passable: (UInt32, UInt32) -> Bool) -> Bool {
        var moved = false
        while document <= last {
            guard blockCount > 0 else {
                guard passable(singleTitleFrequency, singleAbstractFrequency) else { return moved }
                document = PostingsCursor.exhausted
                return true
            }
            var i = index
            // A block that ends by `last` (a window that follows this term's blocks) needs no test of its
            // documents against it.
            let wholeBlock = blockLastDocument <= last
            // Invariant: `i` < `blockLength` (the current document's entry) on entry to the loop.
            while passable(packedFrequency(bitStart: 0, width: titleWidth, mask: titleMask, i),
                           packedFrequency(bitStart: abstractBitStart, width: abstractWidth, mask: abstractMask, i)) {
                moved = true
                i &+= 1
                guard i < blockLength else { break }
                guard wholeBlock || documentAt(i) <= last else {
                    settle(at: i)
                    return true
                }
            }
            if i < blockLength {
                settle(at: i)
                return moved
            }
            // Every document left in the block was passed over.
            index = blockLength &- 1
            next()
        }
        return moved
    }

    /// Calls `body(document, titleFrequency, abstractFrequency)` for every document from the current one up to
    /// `end` (exclusive), then stands on the first document at or after `end` (or is exhausted): the walk of
    /// term-at-a-time scoring, a block at a time, without the per-posting state checks of `next()`.
    ///
    /// `accept(b)` is asked, from the skip table, about each block that lies wholly below `end`, before it is
    /// decoded, and about the current block's documents below `end`: a block it turns down is passed over, its
    /// documents never given to `body` — how a scorer skips blocks whose maximum cannot matter. Every document
    /// given to `body` is of the block last accepted (so a scorer may make a test for it there).
    @inline(__always)
    mutating func forEachDocument(below end: UInt32, acceptingBlock accept: (Int) -> Bool = { _ in true },
                                  _ body: (UInt32, UInt32, UInt32) -> Void) {
        if blockCount == 0 {
            if document < end {
                body(document, singleTitleFrequency, singleAbstractFrequency)
                document = PostingsCursor.exhausted
            }
            return
        }
        // `visitEntry` written out: through it, the OR windows' scoring compiled to 1.7% more instructions.
        @inline(__always) func visit(_ i: Int) {
            body(documentAt(i), packedFrequency(bitStart: 0, width: titleWidth, mask: titleMask, i),
                 packedFrequency(bitStart: abstractBitStart, width: abstractWidth, mask: abstractMask, i))
        }
        while document < end {
            var i = index
            if blockLastDocument < end {
                // The rest of the block lies below `end`.
                if accept(block) {
                    while i < blockLength {
                        visit(i)
                        i += 1
                    }
                }
                var next = block + 1
                while next < blockCount && skipTable.lastDocument(next) < end && !accept(next) { next += 1 }
                decodeBlock(next)
            } else {
                // The block's last document is at or after `end`, so the walk stops inside the block.
                if accept(block) {
                    while documentAt(i) < end {
                        visit(i)
                        i += 1
                    }
                } else {
                    while documentAt(i) < end { i += 1 }
                }
                index = i
                load(i)
                return
            }
        }
    }

    /// Calls `body(document, titleFrequency, abstractFrequency)` for every document of the current block from
    /// the current one on, and stands on the block's last document (a single-document list ends exhausted):
    /// a block read whole without decoding the next, for `RankedOr.singleByBlockMaximum`, which visits blocks
    /// out of list order.
    @inline(__always)
    mutating func forEachDocumentInBlock(_ body: (UInt32, UInt32, UInt32) -> Void) {
        guard document != PostingsCursor.exhausted else { return }
        guard blockCount > 0 else {
            body(document, singleTitleFrequency, singleAbstractFrequency)
            document = PostingsCursor.exhausted
            return
        }
        // Invariant: `index` < `blockLength` on entry (the current document's entry).
        var i = index
        while i < blockLength {
            visitEntry(i, body)
            i &+= 1
        }
        index = blockLength &- 1
        load(index)
    }

    /// `body` of entry `i` (< `blockLength`) of the current block: its document and frequencies.
    @inline(__always)
    private func visitEntry(_ i: Int, _ body: (UInt32, UInt32, UInt32) -> Void) {
        body(documentAt(i), packedFrequency(bitStart: 0, width: titleWidth, mask: titleMask, i),
             packedFrequency(bitStart: abstractBitStart, width: abstractWidth, mask: abstractMask, i))
    }

    /// Decodes block `b` (< `blockCount`) and moves to its first document, forwards or backwards: for a
    /// single term's blocks visited in order of their maxima (`RankedOr.singleByBlockMaximum`), which
    /// reads each block's postings with `forEachDocumentInBlock` and never relies on the list order across
    /// blocks.
    mutating func jump(toBlock b: Int) {
        shallowBlock = 0
        decodeBlock(b)
    }

    /// Moves to the first document `>= target`.
    ///
    /// Inlined for the common case, a target inside the current block (probing a term for a candidate, or
    /// moving cursors together): a few steps forward, then a binary search of the rest of the block; leaving
    /// the block is the out-of-line `advanceToAnotherBlock`.
    @inline(__always)
    mutating func advance(to target: UInt32) {
        guard document < target else { return }
        guard blockCount > 0, blockLastDocument >= target else { return advanceToAnotherBlock(target) }
        // Invariant: the block's last document is at or above the target, so every probe below finds an entry
        // before `blockLength`; entries before `low` are below the target.
        var low = index &+ 1
        for _ in 0..<4 {
            if documentAt(low) >= target { return settle(at: low) }
            low &+= 1
        }
        var high = blockLength &- 1  // holds a document at or above the target
        while low < high {
            let middle = (low &+ high) &>> 1
            if documentAt(middle) < target { low = middle &+ 1 } else { high = middle }
        }
        settle(at: low)
    }

    @inline(__always)
    private mutating func settle(at i: Int) {
        index = i
        load(i)
    }

    /// `advance(to:)` past the current block (or for a single-document term).
    @inline(never)
    private mutating func advanceToAnotherBlock(_ target: UInt32) {
        if blockCount == 0 {
            document = PostingsCursor.exhausted
            return
        }
        decodeBlock(skipTable.firstBlock(from: max(block + 1, shallowBlock), reaching: target))
        if document == PostingsCursor.exhausted || document >= target { return }
        advance(to: target)
    }

    // MARK: - Positions

    /// The block whose positions were checked (-1: none yet), and where they are: `positionsBlock` addresses
    /// them, and a group of them, number `groupNumber`, starts `groupOffset` bytes in; its deltas are
    /// `groupWidth` bits wide (`groupMask`), and the first `groupReadable` of them lie in the checked region
    /// (at most 128; 0 when no group is current). Invariant: reading delta `d < groupReadable` of the group
    /// with an 8-byte load at `groupOffset + 1 + d * groupWidth / 8` stays inside the region and the 8 bytes
    /// after it (`checkPositions`).
    private var positionsCheckedBlock = -1
    private var positionsBlock: UnsafeRawPointer?
    private var positionsBlockLength = 0
    private var groupNumber = 0
    private var groupOffset = 0
    private var groupWidth = 0
    private var groupMask: UInt64 = 0
    private var groupReadable = 0

    /// Appends the positions of the current document (title from 0, abstract from 2^20) to `output`. The
    /// first read in a block checks the positions of all the block's documents against their checksum, unless
    /// an earlier read since the index opened did (a single document's were checked with its dictionary
    /// entry), so damage is reported, never read as positions; so is a term of a field that keeps no positions.
    mutating func appendPositions(to output: inout PositionBuffer) {
        guard document != PostingsCursor.exhausted else { return }
        guard hasPositions else { return fail("positions asked of a field that keeps none") }
        let titleCount = Int(titleFrequency), count = titleCount + Int(abstractFrequency)
        if blockCount == 0 { return appendSingleDocumentPositions(titleCount: titleCount, count: count, to: &output) }
        if positionsCheckedBlock != block {
            guard checkBlockPositions() else { return fail("positions do not match their checksum") }
        }
        let deltasBefore = Int(positionStartAt(index))
        let first = deltasBefore & (positionsGroupSize - 1)
        // The commonest case, a document whose deltas all lie in the group reached (checked once here, as
        // `groupReadable` is at most a group's 128 deltas); the others go through `appendPositions(from:)`.
        guard deltasBefore &>> 7 == groupNumber, first &+ count <= groupReadable, let base = unsafe positionsBlock else {
            return appendPositions(from: deltasBefore, titleCount: titleCount, count: count, to: &output)
        }
        var position: UInt64 = 0
        unsafe output.append(upTo: count) { room in
            unsafe unpackDeltas(base, first: first, run: count, after: 0, titleCount: titleCount, position: &position, into: room)
            return count
        }
    }

    /// Adds deltas `first..<first + run` of the current group (the caller checked they are below
    /// `groupReadable`) to `position` one by one, writing each position to `room`: the `after + j`th of the
    /// document's, if it is its `titleCount`th, starts the abstract (from 2^20).
    @unsafe @inline(__always)
    private func unpackDeltas(_ base: UnsafeRawPointer, first: Int, run: Int, after done: Int, titleCount: Int,
                              position: inout UInt64, into room: UnsafeMutablePointer<UInt32>) {
        let values = unsafe base + (groupOffset &+ 1)
        let (width, mask) = (groupWidth, groupMask)
        for j in 0..<run {
            if done &+ j == titleCount { position = UInt64(IndexFormat.abstractPositionBase) }
            let bit = (first &+ j) &* width
            let word = unsafe UInt64(littleEndian: values.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
            position &+= (word &>> UInt64(bit & 7)) & mask
            unsafe room[j] = UInt32(truncatingIfNeeded: position)
        }
    }

    /// A single document's positions: varints in the dictionary entry, which `positionsEnd` bounds.
    @inline(never)
    private mutating func appendSingleDocumentPositions(titleCount: Int, count: Int, to output: inout PositionBuffer) {
        // Room for the document's positions at once, but for no more than a few thousand on the frequencies'
        // say: a damaged count must not allocate more than the positions actually read.
        output.reserve(min(count, 4096))
        var offset = positionsBase
        var position: UInt64 = 0
        for i in 0..<count {
            if i == titleCount { position = UInt64(IndexFormat.abstractPositionBase) }
            guard offset < positionsEnd, let delta = positionsFile.varint(at: &offset) else { return fail("positions out of range") }
            position &+= delta
            output.append(UInt32(truncatingIfNeeded: position))
        }
    }

    /// Checks the current block's positions (`checkPositions`) and makes their first group current.
    @inline(never)
    private mutating func checkBlockPositions() -> Bool {
        makeDecodedUnique()
        guard let total = decoded.fillPositionStarts(
            from: file, count: blockLength, titleWidth: titleWidth, at: frequenciesOffset,
            abstractWidth: abstractWidth, at: frequenciesOffset + abstractBitStart / 8),
              checkPositions(total: total) else { return false }
        positionsCheckedBlock = block
        (groupNumber, groupOffset) = (0, 0)
        return makeGroupCurrent()
    }

    /// Reads the width of group `groupNumber`, at `groupOffset`, and how many of its deltas the region holds.
    private mutating func makeGroupCurrent() -> Bool {
        groupReadable = 0
        let length = positionsBlockLength
        guard let base = unsafe positionsBlock else { return false }
        // A block without positions left (its last group read) has no group here: nothing is readable.
        guard groupOffset < length else { return true }
        let width = Int(unsafe base.load(fromByteOffset: groupOffset, as: UInt8.self))
        guard width <= 32 else { return false }
        groupWidth = width
        groupMask = (1 << UInt64(width)) - 1
        let bits = 8 * (length - groupOffset - 1)
        groupReadable = width == 0 ? positionsGroupSize : min(positionsGroupSize, bits / width)
        return true
    }

    /// The positions of a document whose deltas start in a group other than the one reached, or run past its
    /// end: groups are found walking forward, back to the first when the document starts before the group
    /// reached (a phrase reads a document's positions again for a word it repeats).
    @inline(never)
    private mutating func appendPositions(from deltasBefore: Int, titleCount: Int, count: Int, to output: inout PositionBuffer) {
        guard let base = unsafe positionsBlock else { return fail("positions out of range") }
        var position: UInt64 = 0
        var i = 0, delta = deltasBefore
        while i < count {
            let wanted = delta / positionsGroupSize
            if wanted != groupNumber {
                if wanted < groupNumber { (groupNumber, groupOffset) = (0, 0) }
                while groupNumber < wanted {
                    guard groupOffset < positionsBlockLength else { return fail("positions out of range") }
                    let width = Int(unsafe base.load(fromByteOffset: groupOffset, as: UInt8.self))
                    groupOffset += 1 + BitPacking.byteCount(positionsGroupSize, width: width)
                    groupNumber += 1
                }
                guard makeGroupCurrent() else { return fail("positions out of range") }
            }
            // The document's deltas in this group: from `first` on, `run` of them.
            let first = delta & (positionsGroupSize - 1), run = min(count - i, positionsGroupSize - first)
            guard first + run <= groupReadable else { return fail("positions out of range") }
            unsafe output.append(upTo: run) { room in
                unsafe unpackDeltas(base, first: first, run: run, after: i, titleCount: titleCount, position: &position, into: room)
                return run
            }
            i += run
            delta += run
        }
    }

    /// Whether the current block's positions lie in the file and match their checksum; sets `positionsBlock`.
    /// Their extent: from the block's start to the next block's, or for the last block, a group of up to 128
    /// deltas at a time until the block's `total` positions are covered. (Reads check each delta against it.)
    private mutating func checkPositions(total: Int) -> Bool {
        unsafe positionsBlock = nil
        let start = positionsBase + Int(skipTable.field(block, 8, as: UInt32.self))
        guard start >= 0, start <= positionsEnd else { return false }
        var end = start
        if block + 1 < blockCount {
            end = positionsBase + Int(skipTable.field(block + 1, 8, as: UInt32.self))
        } else {
            var deltas = total
            while deltas > 0 {
                guard end < positionsEnd else { return false }
                let count = min(deltas, positionsGroupSize)
                end += 1 + BitPacking.byteCount(count, width: Int(positionsFile.uint8(at: end)))
                deltas -= count
            }
        }
        // The 8 bytes after the region lie in the file: the footer follows the body.
        guard end >= start, end <= positionsEnd,
              matchesChecksum(.positions, ofBlock: block, positionsFile, start, end - start, skipTable.field(block, 28, as: UInt32.self)),
              let region = unsafe positionsFile.address(start, end - start + 8) else { return false }
        unsafe positionsBlock = region
        positionsBlockLength = end - start
        return true
    }
}

/// Cursors kept in a buffer by the search algorithms (a mutation through an array subscript would check
/// the array's uniqueness every time), moved in groups: a clause of alternative terms, a phrase position's
/// spellings.
extension UnsafeMutableBufferPointer<PostingsCursor> {
    /// Moves the cursors numbered `numbers[range]` to `target`; returns the first document at or after it
    /// that one of them holds. Every number is below `count`.
    @inline(__always)
    func advance(_ numbers: [Int], _ range: Range<Int>, to target: UInt32) -> UInt32 {
        if range.count == 1 {
            let only = numbers[range.lowerBound]
            unsafe self[only].advance(to: target)
            return unsafe self[only].document
        }
        var document = PostingsCursor.exhausted
        for k in range {
            unsafe self[numbers[k]].advance(to: target)
            document = Swift.min(document, unsafe self[numbers[k]].document)
        }
        return document
    }

    /// Moves the cursors numbered `numbers` — each a clause of its own, the rarest first — to the first
    /// document at or after `target` that every one of them holds, and returns it (`exhausted` when none is
    /// left): the leapfrog of a conjunction, written out for clauses of one term, where it runs once for
    /// every document of the rarest list. Every number is below `count`; `numbers` is not empty.
    ///
    /// No cursor is moved to a target past `bound` (`target` must not be): when the search would have to, it
    /// returns that target instead (above `bound`: not a match), and each cursor stands on its first document
    /// at or after the last target it was moved to, so none has passed over a document up to `bound` that it
    /// holds.
    @inline(__always)
    func leapfrog(_ numbers: [Int], from target: UInt32, through bound: UInt32 = PostingsCursor.exhausted) -> UInt32 {
        var target = target
        let lead = numbers[0]
        // `target` is at most `bound` wherever a cursor is moved to it.
        search: while true {
            unsafe self[lead].advance(to: target)
            target = unsafe self[lead].document
            if target == PostingsCursor.exhausted || target > bound { return target }
            for k in 1..<numbers.count {
                let other = numbers[k]
                unsafe self[other].advance(to: target)
                let document = unsafe self[other].document
                if document != target {
                    if document == PostingsCursor.exhausted || document > bound { return document }
                    target = document
                    continue search
                }
            }
            return target
        }
    }
}

/// A postings list's skip entries (format: `PostingsEncoder`), read in place from the mapped file.
///
/// A small trivially-copyable value on purpose: the pruning loops read skip entries of cursors kept in
/// unsafe memory, and calling a method of the whole cursor there makes Swift copy the cursor (retaining its
/// references) to borrow it; reading this stored property and calling its methods copies two words.
///
/// Invariant: `entries` addresses `count` entries inside a mapped file that the owning cursor keeps alive
/// (checked once, when the cursor is made); every read checks its entry number against `count`.
@safe struct SkipTable {
    private let entries: UnsafeRawPointer?
    let count: Int

    /// No entries.
    init() {
        unsafe entries = nil
        count = 0
    }

    /// `entries` must satisfy the invariant above.
    @unsafe init(entries: UnsafeRawPointer, count: Int) {
        unsafe self.entries = entries
        self.count = count
    }

    @inline(__always)
    func field<T: FixedWidthInteger>(_ b: Int, _ offset: Int, as type: T.Type) -> T {
        precondition(UInt(bitPattern: b) < UInt(bitPattern: count), "skip entry out of range")
        return unsafe T(littleEndian: entries.unsafelyUnwrapped.loadUnaligned(fromByteOffset: b &* SkipEntry.size &+ offset, as: T.self))
    }

    /// The last document of block `b`.
    @inline(__always)
    func lastDocument(_ b: Int) -> UInt32 { field(b, 0, as: UInt32.self) }

    /// The largest saturation in block `b` (for the parameters the index was built with).
    @inline(__always)
    func maxSaturation(_ b: Int) -> Float { Float(bitPattern: field(b, 12, as: UInt32.self)) }

    /// The first block from `start` on whose last document is at or after `target` (`count` when none):
    /// steps of doubling length from `start`, then a binary search within the last step, so a jump over
    /// `n` blocks reads about 2·log2(n) entries instead of `n`.
    @inline(__always)
    func firstBlock(from start: Int, reaching target: UInt32) -> Int {
        guard start < count, lastDocument(start) < target else { return start }
        // Invariant: block `low` ends before the target; the answer is in low+1...high (`count`: none).
        var low = start, step = 1
        var high = start &+ 1
        while high < count && lastDocument(high) < target {
            low = high
            step &<<= 1
            high = low &+ step
        }
        high = min(high, count)
        while high &- low > 1 {
            let middle = (low &+ high) &>> 1
            if lastDocument(middle) < target { low = middle } else { high = middle }
        }
        return high
    }

    /// The whole entry of block `b`.
    @inline(__always)
    func entry(_ b: Int) -> SkipEntry {
        SkipEntry(
            lastDocument: lastDocument(b), dataEnd: field(b, 4, as: UInt32.self), positionsStart: field(b, 8, as: UInt32.self),
            maxSaturation: maxSaturation(b), maxTitleFrequency: field(b, 16, as: UInt16.self),
            maxAbstractFrequency: field(b, 18, as: UInt16.self), minTitleLength: field(b, 20, as: UInt16.self),
            minAbstractLength: field(b, 22, as: UInt16.self), blockChecksum: field(b, 24, as: UInt32.self),
            positionsChecksum: field(b, 28, as: UInt32.self))
    }
}

/// The mapped files of a segment that cursors read, with the ends of their bodies.
struct SegmentFiles: Sendable {
    let postings: MappedFile
    let postingsEnd: Int
    let positions: MappedFile
    let positionsEnd: Int
    /// The term dictionary, which holds single documents' positions.
    let terms: MappedFile
    /// The regions of lists with a skip table, and of lists of one block, that have matched their checksums
    /// (numbered by `PostingsRegion`).
    let verified: VerifiedRegions
    let verifiedOneBlock: VerifiedRegions

    init(postings: MappedFile, postingsEnd: Int, positions: MappedFile, positionsEnd: Int, terms: MappedFile) {
        (self.postings, self.postingsEnd, self.positions, self.positionsEnd, self.terms) = (postings, postingsEnd, positions, positionsEnd, terms)
        verified = VerifiedRegions(count: PostingsRegion.count(postings.count, perEntryOf: SkipEntry.size))
        verifiedOneBlock = VerifiedRegions(count: PostingsRegion.count(terms.count, perEntryOf: PostingsRegion.oneBlockEntrySize))
    }
}

/// The checksummed regions of postings lists, numbered for `VerifiedRegions` by the entries that hold their
/// checksums. A list with a skip table: the entry of block `b` at byte `offset` of postings.psp numbers the
/// block's bytes, its positions, and (for the first entry) the whole skip table; entries are 32 bytes and never
/// overlap, so no two share `offset / 32`, and the entry of block `b` is number `offset / 32 + b` of its list's
/// first. A list of one block: its dictionary entry's two checksums, 8 bytes at `offset` of terms.pst, number
/// `offset / 8`, in a record of their own.
enum PostingsRegion: Int {
    case block = 0, positions = 1, skipTable = 2

    /// The bytes of a one-block list's checksums in its dictionary entry.
    static let oneBlockEntrySize = 8

    /// The number of the region of this kind for entry number `entry` (`offset / entry size`).
    @inline(__always)
    func number(entry: Int) -> Int { entry &* 3 &+ rawValue }

    /// How many region numbers a file of `length` bytes holding entries of `size` bytes may use.
    static func count(_ length: Int, perEntryOf size: Int) -> Int { (length / size + 1) * 3 }
}
