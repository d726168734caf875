/// Writes the term dictionary: all terms in byte order, front-coded in blocks of 32, with an index of each
/// block's first term for binary search. Lookups touch one binary search and one block; prefix queries
/// (`quantiz*`) start at the block that can hold the prefix and read on.
///
///     terms.pst  = Header, Block*, BlockIndex, FirstTerms, Trailer, Footer
///     Block      = Entry^(up to 32)
///     Entry      = PrefixLength varint (shared with the previous term of the block; 0 for the first),
///                  SuffixLength varint, Suffix bytes, DocFreq varint,
///                  if DocFreq == 1: Doc varint, TitleFreq varint, AbstractFreq varint, PositionsLength varint,
///                                   Positions (PositionsLength bytes, as in positions.pos; none for a field
///                                   without positions)
///                  else: PostingsOffset varint, PositionsOffset varint, MaxSaturation f32,
///                        MaxTitleFreq varint, MaxAbstractFreq varint, MinTitleLength varint, MinAbstractLength varint,
///                        if DocFreq <= 128 (one block, no skip table): LastDoc varint,
///                            BlockChecksum u32, PositionsChecksum u32 (as the skip entry would hold them)
///                        else: SkipTableChecksum u32 (`BlockChecksum` of the list's skip entries)
///     BlockIndex = (right after the last block) (BlockOffset u64, FirstTermOffset u32, FirstTermLength u32, BlockChecksum u32, 0 u32)^BlockCount
///     FirstTerms = the first term of every block, concatenated, then zero padding to a multiple of 8
///     Trailer    = TermCount u64, BlockCount u64, BlockIndexOffset u64, FirstTermsOffset u64, FirstTermsLength u64,
///                  IndexChecksum u64 (`BlockChecksum` of BlockIndex and FirstTerms with the padding between; upper
///                  32 bits zero)
///
/// A term's bytes are its namespace byte (`FieldNamespace`) followed by the term. Each block's checksum is
/// verified the first time the block is read after the index opens (so a single document's positions are
/// checked with its entry); the index's, when the dictionary opens.
struct TermDictionaryWriter {
    static let blockSize = 32
    static let trailerSize = 48
    static let blockIndexEntrySize = 24

    let output: FileOutput
    private var blockOffsets: [UInt64] = []
    /// The current block's bytes (for its checksum) and the checksums of the blocks before it.
    private var block: [UInt8] = []
    private var blockChecksums: [UInt32] = []
    private var firstTermOffsets: [UInt32] = []
    private var firstTermLengths: [UInt32] = []
    private var firstTerms: [UInt8] = []
    private var previous: [UInt8] = []
    private var inBlock = 0
    private var entry: [UInt8] = []
    private(set) var termCount = 0

    init(output: FileOutput) { self.output = output }

    /// Adds the next term; `inlinePositions` are a single document's positions (see the format above).
    mutating func add(_ term: ArraySlice<UInt8>, _ info: TermInfo, inlinePositions: ArraySlice<UInt8>) throws(IndexError) {
        if inBlock == TermDictionaryWriter.blockSize { try endBlock() }
        var prefix = 0
        if inBlock == 0 {
            blockOffsets.append(UInt64(output.count + block.count))
            firstTermOffsets.append(UInt32(firstTerms.count))
            firstTermLengths.append(UInt32(term.count))
            firstTerms.append(contentsOf: term)
        } else {
            let limit = min(previous.count, term.count)
            var t = term.startIndex
            while prefix < limit && previous[prefix] == term[t] {
                prefix += 1
                t += 1
            }
        }
        entry.removeAll(keepingCapacity: true)
        VarInt.append(prefix, to: &entry)
        VarInt.append(term.count - prefix, to: &entry)
        entry.append(contentsOf: term.dropFirst(prefix))
        VarInt.append(info.documentFrequency, to: &entry)
        if info.documentFrequency == 1 {
            VarInt.append(UInt64(info.singleDocument), to: &entry)
            VarInt.append(UInt64(info.singleTitleFrequency), to: &entry)
            VarInt.append(UInt64(info.singleAbstractFrequency), to: &entry)
            VarInt.append(inlinePositions.count, to: &entry)
            entry.append(contentsOf: inlinePositions)
        } else {
            VarInt.append(info.postingsOffset, to: &entry)
            VarInt.append(info.positionsOffset, to: &entry)
            var bits = info.maxSaturation.bitPattern
            for _ in 0..<4 { entry.append(UInt8(truncatingIfNeeded: bits)); bits >>= 8 }
            VarInt.append(UInt64(info.maxTitleFrequency), to: &entry)
            VarInt.append(UInt64(info.maxAbstractFrequency), to: &entry)
            VarInt.append(UInt64(info.minTitleLength), to: &entry)
            VarInt.append(UInt64(info.minAbstractLength), to: &entry)
            if info.blockCount == 1 {
                VarInt.append(UInt64(info.onlyBlockLastDocument), to: &entry)
                entry.appendLittleEndian(info.onlyBlockChecksum)
                entry.appendLittleEndian(info.onlyBlockPositionsChecksum)
            } else {
                entry.appendLittleEndian(info.skipTableChecksum)
            }
        }
        block.append(contentsOf: entry)
        previous.removeAll(keepingCapacity: true)
        previous.append(contentsOf: term)
        inBlock += 1
        termCount += 1
    }

    /// Writes the finished block with its checksum noted.
    private mutating func endBlock() throws(IndexError) {
        inBlock = 0
        guard !block.isEmpty else { return }
        blockChecksums.append(BlockChecksum.of(block))
        do { try output.write(block) } catch { throw .io(error) }
        block.removeAll(keepingCapacity: true)
    }

    /// Writes the last block, the block index, first terms and trailer (the caller writes the footer).
    mutating func finish() throws(IndexError) {
        try endBlock()
        do {
            // The index follows the last block directly, so that the blocks end where it starts.
            let indexOffset = output.count
            var index: [UInt8] = []
            for i in blockOffsets.indices {
                index.appendLittleEndian(blockOffsets[i])
                index.appendLittleEndian(firstTermOffsets[i])
                index.appendLittleEndian(firstTermLengths[i])
                index.appendLittleEndian(blockChecksums[i])
                index.appendLittleEndian(UInt32(0))
            }
            let firstTermsOffset = indexOffset + index.count
            index += firstTerms
            while index.count % 8 != 0 { index.append(0) }
            try output.write(index)
            try output.writeUInt64(UInt64(termCount))
            try output.writeUInt64(UInt64(blockOffsets.count))
            try output.writeUInt64(UInt64(indexOffset))
            try output.writeUInt64(UInt64(firstTermsOffset))
            try output.writeUInt64(UInt64(firstTerms.count))
            try output.writeUInt64(UInt64(BlockChecksum.of(index)))
        } catch { throw .io(error) }
    }
}
