/// Writes postings and positions in their final form.
///
///     postings.psp = Header, PostingList*, Footer
///     PostingList  = SkipEntry^BlockCount, Block^BlockCount        BlockCount = ceil(docFreq / 128)
///     SkipEntry    = LastDoc u32, DataEnd u32, PositionsStart u32, MaxSaturation f32,
///                    MaxTitleFreq u16, MaxAbstractFreq u16, MinTitleLength u16, MinAbstractLength u16
///     Block        = DocWidth u8, TitleFreqWidth u8, AbstractFreqWidth u8,
///                    DocGaps (n values at DocWidth bits), TitleFreqs (n at TitleFreqWidth),
///                    AbstractFreqs (n at AbstractFreqWidth)                     n = 128, or less in the last block
///     DocGap       = doc - previous doc - 1 (the previous doc of the first block is -1)
///
///     positions.pos = Header, (per term, per document in order: Position^(tf_title + tf_abstract))*, Footer
///     Position     = varint delta from the previous position of the same document; the first title position
///                    counts from 0 and the first abstract position from 2^20 (abstract positions start there)
///
/// Widths are the bits of the block's largest value (frame of reference, as in Lucene and tantivy); a block
/// of all-zero abstract frequencies costs nothing. A term in a single document writes no postings: the
/// dictionary holds the document (`TermInfo.singleDocument`).
///
/// Worked example: docs [3, 7, 8] with title frequencies [1, 0, 2] and abstract frequencies [0, 3, 1] give
/// one block with gaps [3, 3, 0] (width 2), title [1, 0, 2] (width 2), abstract [0, 3, 1] (width 2), each
/// packed into one byte, least significant bits first: `02 02 02  0F  21  1C`, after a 24-byte skip entry
/// with LastDoc 8.
struct PostingsEncoder {
    let postings: FileOutput
    let positions: FileOutput
    let scorer: BM25.Scorer
    let titleLengths: [UInt32]
    let abstractLengths: [UInt32]

    // Reused buffers.
    private var block: [UInt8] = []
    private var skips: [SkipEntry] = []
    private var values = [UInt32](repeating: 0, count: postingsBlockSize)

    init(postings: FileOutput, positions: FileOutput, scorer: BM25.Scorer, titleLengths: [UInt32], abstractLengths: [UInt32]) {
        self.postings = postings
        self.positions = positions
        self.scorer = scorer
        self.titleLengths = titleLengths
        self.abstractLengths = abstractLengths
    }

    /// Writes one term's postings. `positionBytes` holds every document's positions, in document order;
    /// `positionLengths[i]` is how many bytes of it belong to document i.
    mutating func encode(
        documents: [UInt32], titleFrequencies: [UInt32], abstractFrequencies: [UInt32],
        positionBytes: [UInt8], positionLengths: [Int]
    ) throws(IndexError) -> TermInfo {
        let count = documents.count
        var info = TermInfo(documentFrequency: count, postingsOffset: postings.count, positionsOffset: positions.count)
        do { try positions.write(positionBytes) } catch { throw .io(error) }
        var maxSaturation: Float = 0
        var maxTitleFrequency: UInt32 = 0, maxAbstractFrequency: UInt32 = 0
        var minTitleLength = UInt32.max, minAbstractLength = UInt32.max
        for i in 0..<count {
            let saturation = Float(scorer.saturation(
                titleFrequency: titleFrequencies[i], abstractFrequency: abstractFrequencies[i],
                titleLength: titleLengths[Int(documents[i])], abstractLength: abstractLengths[Int(documents[i])]))
            maxSaturation = max(maxSaturation, saturation)
            maxTitleFrequency = max(maxTitleFrequency, titleFrequencies[i])
            maxAbstractFrequency = max(maxAbstractFrequency, abstractFrequencies[i])
            minTitleLength = min(minTitleLength, titleLengths[Int(documents[i])])
            minAbstractLength = min(minAbstractLength, abstractLengths[Int(documents[i])])
        }
        info.maxSaturation = maxSaturation
        info.maxTitleFrequency = maxTitleFrequency
        info.maxAbstractFrequency = maxAbstractFrequency
        info.minTitleLength = minTitleLength
        info.minAbstractLength = minAbstractLength
        if count == 1 {
            info.singleDocument = documents[0]
            info.singleTitleFrequency = titleFrequencies[0]
            info.singleAbstractFrequency = abstractFrequencies[0]
            return info
        }

        block.removeAll(keepingCapacity: true)
        skips.removeAll(keepingCapacity: true)
        var previous: Int64 = -1
        var positionsStart = 0
        var start = 0
        while start < count {
            let end = min(start + postingsBlockSize, count)
            let n = end - start
            for i in 0..<n { values[i] = UInt32(Int64(documents[start + i]) - previous - 1); previous = Int64(documents[start + i]) }
            let docWidth = BitPacking.width(of: values[0..<n])
            let titleWidth = BitPacking.width(of: titleFrequencies[start..<end])
            let abstractWidth = BitPacking.width(of: abstractFrequencies[start..<end])
            block.append(UInt8(docWidth))
            block.append(UInt8(titleWidth))
            block.append(UInt8(abstractWidth))
            BitPacking.pack(values[0..<n], width: docWidth, into: &block)
            BitPacking.pack(titleFrequencies[start..<end], width: titleWidth, into: &block)
            BitPacking.pack(abstractFrequencies[start..<end], width: abstractWidth, into: &block)

            var entry = SkipEntry(lastDocument: documents[end - 1], dataEnd: UInt32(block.count),
                                  positionsStart: UInt32(positionsStart), maxSaturation: 0, maxTitleFrequency: 0,
                                  maxAbstractFrequency: 0, minTitleLength: .max, minAbstractLength: .max)
            for i in start..<end {
                let document = Int(documents[i])
                let saturation = Float(scorer.saturation(
                    titleFrequency: titleFrequencies[i], abstractFrequency: abstractFrequencies[i],
                    titleLength: titleLengths[document], abstractLength: abstractLengths[document]))
                entry.maxSaturation = max(entry.maxSaturation, saturation)
                entry.maxTitleFrequency = max(entry.maxTitleFrequency, UInt16(clamping: titleFrequencies[i]))
                entry.maxAbstractFrequency = max(entry.maxAbstractFrequency, UInt16(clamping: abstractFrequencies[i]))
                entry.minTitleLength = min(entry.minTitleLength, UInt16(clamping: titleLengths[document]))
                entry.minAbstractLength = min(entry.minAbstractLength, UInt16(clamping: abstractLengths[document]))
                positionsStart += positionLengths[i]
            }
            skips.append(entry)
            start = end
        }
        do {
            for entry in skips {
                try postings.writeUInt32(entry.lastDocument)
                try postings.writeUInt32(entry.dataEnd)
                try postings.writeUInt32(entry.positionsStart)
                try postings.writeFloat32(entry.maxSaturation)
                try postings.writeUInt16(entry.maxTitleFrequency)
                try postings.writeUInt16(entry.maxAbstractFrequency)
                try postings.writeUInt16(entry.minTitleLength)
                try postings.writeUInt16(entry.minAbstractLength)
            }
            try postings.write(block)
        } catch { throw .io(error) }
        return info
    }
}
