/// Writes postings and positions in their final form.
///
///     postings.psp = Header, PostingList*, Footer
///     PostingList  = Block                                  a list of 2 to 128 documents (the dictionary holds
///                                                            what its skip entry would: `TermDictionaryWriter`)
///                  | SkipEntry^BlockCount, Block^BlockCount  BlockCount = ceil(docFreq / 128) >= 2
///     SkipEntry    = LastDoc u32, DataEnd u32, PositionsStart u32, MaxSaturation f32,
///                    MaxTitleFreq u16, MaxAbstractFreq u16, MinTitleLength u16, MinAbstractLength u16,
///                    BlockChecksum u32 (`BlockChecksum` of the Block's bytes),
///                    PositionsChecksum u32 (`BlockChecksum` of the positions of the block's documents)
///     Block        = DocWidth u8, TitleFreqWidth u8, AbstractFreqWidth u8,
///                    DocGaps (n values at DocWidth bits; a whole block's in four interleaved lanes,
///                    `BitPacking.packGaps`), TitleFreqs (n at TitleFreqWidth),
///                    AbstractFreqs (n at AbstractFreqWidth)                     n = 128, or less in the last block
///     DocGap       = doc - previous doc - 1 (the previous doc of the first block is -1)
///
///     positions.pos = Header, (per term of a field with positions (`FieldNamespace.hasPositions`) and more
///                     than one document, per postings block: Group^ceil(v / 128))*, Footer
///                     v = the block's positions: the sum of its documents' tf_title + tf_abstract
///     Group        = Width u8, Delta^n at Width bits (least significant first), n = 128, or fewer in the
///                    block's last group
///     Delta        = a document's positions in order, each as the difference from the one before in the same
///                    document; the first title position counts from 0 and the first abstract position from
///                    2^20 (abstract positions start there)
///
/// A block's deltas follow one another document by document, so the positions of its `i`th document start
/// after the frequencies of the documents before it, and are read in place (frame of reference, as Lucene
/// packs its positions; varints took 12% more on arxiv-daily). A single document's positions, in the
/// dictionary, are the same deltas as varints.
///
/// Widths are the bits of the block's largest value (frame of reference, as in Lucene and tantivy); a block
/// of all-zero abstract frequencies costs nothing. A term in a single document writes no postings and no
/// positions here: the dictionary holds the document, its frequencies and its positions. Most terms of a
/// collection are in one document or a few (on arxiv-daily, 339k of 463k in one, 119k more in at most 128),
/// so a skip entry of 32 bytes, or a positions offset and checksum, would cost more than their postings.
///
/// A reader verifies a block's checksum when it first decodes the block, and the block's positions' checksum
/// when it first reads positions in the block (first since the index opened: `VerifiedRegions`), so damaged
/// postings or positions are an error, never a wrong document, frequency or phrase match.
///
/// Worked example: docs [3, 7, 8] with title frequencies [1, 0, 2] and abstract frequencies [0, 3, 1] give
/// one block with gaps [3, 3, 0] (width 2), title [1, 0, 2] (width 2), abstract [0, 3, 1] (width 2), each
/// packed into one byte, least significant bits first: `02 02 02  0F  21  1C`; the dictionary entry holds
/// LastDoc 8 and the block's checksums.
///
/// The encoder appends to byte buffers, not to the files: terms are encoded in chunks on several threads
/// (`PostingsChunkWriter`), and the offsets it returns are relative to the buffers it was given.
struct PostingsEncoder {
    let scorer: BM25.Scorer
    let titleLengths: [UInt32]
    let abstractLengths: [UInt32]

    // Reused buffers.
    private var block: [UInt8] = []
    private var skips: [SkipEntry] = []
    private var gaps = [UInt32](repeating: 0, count: postingsBlockSize)
    private var titleFrequencies = [UInt32](repeating: 0, count: postingsBlockSize)
    private var abstractFrequencies = [UInt32](repeating: 0, count: postingsBlockSize)
    private var deltas: [UInt32] = []

    init(scorer: BM25.Scorer, titleLengths: [UInt32], abstractLengths: [UInt32]) {
        self.scorer = scorer
        self.titleLengths = titleLengths
        self.abstractLengths = abstractLengths
    }

    /// Appends one term's postings to `output` and its packed positions to `packedPositions`. Its positions
    /// come as varint deltas (`positionBytes` bytes per document) in `positions`, nil for a field without
    /// positions; a single document's stay so, for the dictionary, and `positionsOffset` says where the caller
    /// keeps them. Offsets in the returned `TermInfo` are relative to the buffers the caller keeps.
    mutating func encode(_ postings: ArraySlice<DecodedPosting>, positions: ArraySlice<UInt8>?, positionsOffset: Int,
                         into output: inout [UInt8], packedPositions: inout [UInt8]) -> TermInfo {
        let hasPositions = positions != nil
        let positions = positions ?? []
        let count = postings.count
        var info = TermInfo(documentFrequency: count, postingsOffset: output.count,
                            positionsOffset: count == 1 ? positionsOffset : packedPositions.count)
        if count == 1, let only = postings.first {
            let document = Int(only.document)
            info.singleDocument = only.document
            info.singleTitleFrequency = only.titleFrequency
            info.singleAbstractFrequency = only.abstractFrequency
            info.maxSaturation = Float(scorer.saturation(
                titleFrequency: only.titleFrequency, abstractFrequency: only.abstractFrequency,
                titleLength: titleLengths[document], abstractLength: abstractLengths[document]))
            info.maxTitleFrequency = only.titleFrequency
            info.maxAbstractFrequency = only.abstractFrequency
            info.minTitleLength = titleLengths[document]
            info.minAbstractLength = abstractLengths[document]
            info.inlinePositionsLength = positions.count
            return info
        }

        // The term's bounds are gathered in the same pass as the blocks' (unclamped, where the blocks'
        // 16-bit fields saturate).
        var maxTitleFrequency: UInt32 = 0, maxAbstractFrequency: UInt32 = 0
        var minTitleLength = UInt32.max, minAbstractLength = UInt32.max
        block.removeAll(keepingCapacity: true)
        skips.removeAll(keepingCapacity: true)
        var previous: Int64 = -1
        var varintsRead = positions.startIndex
        var start = postings.startIndex
        while start < postings.endIndex {
            let end = min(start + postingsBlockSize, postings.endIndex)
            let n = end - start
            let blockPositionsStart = packedPositions.count - info.positionsOffset
            let blockStart = block.count
            var maxSaturation: Float = 0
            var blockMaxTitleFrequency: UInt32 = 0, blockMaxAbstractFrequency: UInt32 = 0
            var blockMinTitleLength = UInt32.max, blockMinAbstractLength = UInt32.max
            for i in 0..<n {
                let posting = postings[start + i]
                let document = Int(posting.document)
                gaps[i] = UInt32(Int64(posting.document) - previous - 1)
                previous = Int64(posting.document)
                titleFrequencies[i] = posting.titleFrequency
                abstractFrequencies[i] = posting.abstractFrequency
                let titleLength = titleLengths[document], abstractLength = abstractLengths[document]
                maxSaturation = max(maxSaturation, Float(scorer.saturation(
                    titleFrequency: posting.titleFrequency, abstractFrequency: posting.abstractFrequency,
                    titleLength: titleLength, abstractLength: abstractLength)))
                blockMaxTitleFrequency = max(blockMaxTitleFrequency, posting.titleFrequency)
                blockMaxAbstractFrequency = max(blockMaxAbstractFrequency, posting.abstractFrequency)
                blockMinTitleLength = min(blockMinTitleLength, titleLength)
                blockMinAbstractLength = min(blockMinAbstractLength, abstractLength)
            }
            if hasPositions {
                let values = postings[start..<end].reduce(0) { $0 + Int($1.titleFrequency) + Int($1.abstractFrequency) }
                let bytes = postings[start..<end].reduce(0) { $0 + Int($1.positionBytes) }
                packPositions(positions[varintsRead..<(varintsRead + bytes)], count: values, into: &packedPositions)
                varintsRead += bytes
            }
            let docWidth = BitPacking.width(of: gaps[0..<n])
            let titleWidth = BitPacking.width(of: titleFrequencies[0..<n])
            let abstractWidth = BitPacking.width(of: abstractFrequencies[0..<n])
            block.append(UInt8(docWidth))
            block.append(UInt8(titleWidth))
            block.append(UInt8(abstractWidth))
            BitPacking.packGaps(gaps[0..<n], width: docWidth, into: &block)
            BitPacking.pack(titleFrequencies[0..<n], width: titleWidth, into: &block)
            BitPacking.pack(abstractFrequencies[0..<n], width: abstractWidth, into: &block)
            skips.append(SkipEntry(
                lastDocument: postings[end - 1].document, dataEnd: UInt32(block.count),
                positionsStart: UInt32(blockPositionsStart), maxSaturation: maxSaturation,
                maxTitleFrequency: UInt16(clamping: blockMaxTitleFrequency),
                maxAbstractFrequency: UInt16(clamping: blockMaxAbstractFrequency),
                minTitleLength: UInt16(clamping: blockMinTitleLength),
                minAbstractLength: UInt16(clamping: blockMinAbstractLength),
                blockChecksum: BlockChecksum.of(block[blockStart...]),
                positionsChecksum: BlockChecksum.of(packedPositions[(info.positionsOffset + blockPositionsStart)...])))
            info.maxSaturation = max(info.maxSaturation, maxSaturation)
            maxTitleFrequency = max(maxTitleFrequency, blockMaxTitleFrequency)
            maxAbstractFrequency = max(maxAbstractFrequency, blockMaxAbstractFrequency)
            minTitleLength = min(minTitleLength, blockMinTitleLength)
            minAbstractLength = min(minAbstractLength, blockMinAbstractLength)
            start = end
        }
        info.maxTitleFrequency = maxTitleFrequency
        info.maxAbstractFrequency = maxAbstractFrequency
        info.minTitleLength = minTitleLength
        info.minAbstractLength = minAbstractLength
        if let only = skips.first, skips.count == 1 {
            info.onlyBlockLastDocument = only.lastDocument
            info.onlyBlockChecksum = only.blockChecksum
            info.onlyBlockPositionsChecksum = only.positionsChecksum
            output.append(contentsOf: block)
            return info
        }
        let skipTableStart = output.count
        for entry in skips { entry.append(to: &output) }
        info.skipTableChecksum = BlockChecksum.of(output[skipTableStart...])
        output.append(contentsOf: block)
        return info
    }

    /// Decodes one block's `count` varint deltas and appends them in groups of 128 (see the format above).
    private mutating func packPositions(_ varints: ArraySlice<UInt8>, count: Int, into output: inout [UInt8]) {
        deltas.removeAll(keepingCapacity: true)
        let bytes = varints.span
        var at = 0
        while at < bytes.count, let value = VarInt.read(bytes, at: &at) { deltas.append(UInt32(truncatingIfNeeded: value)) }
        // The inverter wrote one varint per position: anything else is a bug, not damage.
        precondition(at == bytes.count && deltas.count == count, "positions do not match the frequencies")
        var group = 0
        while group < count {
            let end = min(group + positionsGroupSize, count)
            let width = BitPacking.width(of: deltas[group..<end])
            output.append(UInt8(width))
            BitPacking.pack(deltas[group..<end], width: width, into: &output)
            group = end
        }
    }
}

extension SkipEntry {
    /// Writes the entry in its on-disk layout (see the format above; `SkipTable` reads these offsets) to the
    /// `SkipEntry.size` bytes at `address`.
    @unsafe func store(to address: UnsafeMutableRawPointer) {
        unsafe address.storeBytes(of: lastDocument.littleEndian, toByteOffset: 0, as: UInt32.self)
        unsafe address.storeBytes(of: dataEnd.littleEndian, toByteOffset: 4, as: UInt32.self)
        unsafe address.storeBytes(of: positionsStart.littleEndian, toByteOffset: 8, as: UInt32.self)
        unsafe address.storeBytes(of: maxSaturation.bitPattern.littleEndian, toByteOffset: 12, as: UInt32.self)
        unsafe address.storeBytes(of: maxTitleFrequency.littleEndian, toByteOffset: 16, as: UInt16.self)
        unsafe address.storeBytes(of: maxAbstractFrequency.littleEndian, toByteOffset: 18, as: UInt16.self)
        unsafe address.storeBytes(of: minTitleLength.littleEndian, toByteOffset: 20, as: UInt16.self)
        unsafe address.storeBytes(of: minAbstractLength.littleEndian, toByteOffset: 22, as: UInt16.self)
        unsafe address.storeBytes(of: blockChecksum.littleEndian, toByteOffset: 24, as: UInt32.self)
        unsafe address.storeBytes(of: positionsChecksum.littleEndian, toByteOffset: 28, as: UInt32.self)
    }

    /// Appends the entry in its on-disk layout.
    func append(to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: SkipEntry.size))
        unsafe output.withUnsafeMutableBytes { bytes in unsafe store(to: bytes.baseAddress.unsafelyUnwrapped + start) }
    }
}
