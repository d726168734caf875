/// Writes the term dictionary: all terms in byte order, front-coded in blocks of 32, with an index of each
/// block's first term for binary search. Lookups touch one binary search and one block; prefix queries
/// (`quantiz*`) start at the block that can hold the prefix and read on.
///
///     terms.pst  = Header, Block*, BlockIndex, FirstTerms, Trailer, Footer
///     Block      = Entry^(up to 32)
///     Entry      = PrefixLength varint (shared with the previous term of the block; 0 for the first),
///                  SuffixLength varint, Suffix bytes, DocFreq varint,
///                  if DocFreq == 1: Doc varint, TitleFreq varint, AbstractFreq varint, PositionsOffset varint
///                  else: PostingsOffset varint, PositionsOffset varint, MaxSaturation f32,
///                        MaxTitleFreq varint, MaxAbstractFreq varint, MinTitleLength varint, MinAbstractLength varint
///     BlockIndex = (BlockOffset u64, FirstTermOffset u32, FirstTermLength u32)^BlockCount
///     FirstTerms = the first term of every block, concatenated
///     Trailer    = TermCount u64, BlockCount u64, BlockIndexOffset u64, FirstTermsOffset u64, FirstTermsLength u64
///
/// A term's bytes are its namespace byte (`FieldNamespace`) followed by the term.
struct TermDictionaryWriter {
    static let blockSize = 32
    static let trailerSize = 40

    let output: FileOutput
    private var blockOffsets: [UInt64] = []
    private var firstTermOffsets: [UInt32] = []
    private var firstTermLengths: [UInt32] = []
    private var firstTerms: [UInt8] = []
    private var previous: [UInt8] = []
    private var inBlock = 0
    private var entry: [UInt8] = []
    private(set) var termCount = 0

    init(output: FileOutput) { self.output = output }

    mutating func add(_ term: ArraySlice<UInt8>, _ info: TermInfo) throws(IndexError) {
        if inBlock == TermDictionaryWriter.blockSize { inBlock = 0 }
        var prefix = 0
        if inBlock == 0 {
            blockOffsets.append(UInt64(output.count))
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
            VarInt.append(info.positionsOffset, to: &entry)
        } else {
            VarInt.append(info.postingsOffset, to: &entry)
            VarInt.append(info.positionsOffset, to: &entry)
            var bits = info.maxSaturation.bitPattern
            for _ in 0..<4 { entry.append(UInt8(truncatingIfNeeded: bits)); bits >>= 8 }
            VarInt.append(UInt64(info.maxTitleFrequency), to: &entry)
            VarInt.append(UInt64(info.maxAbstractFrequency), to: &entry)
            VarInt.append(UInt64(info.minTitleLength), to: &entry)
            VarInt.append(UInt64(info.minAbstractLength), to: &entry)
        }
        do { try output.write(entry) } catch { throw .io(error) }
        previous.removeAll(keepingCapacity: true)
        previous.append(contentsOf: term)
        inBlock += 1
        termCount += 1
    }

    /// Writes the block index, first terms and trailer (the caller writes the footer).
    func finish() throws(IndexError) {
        do {
            try output.pad(to: 8)
            let indexOffset = output.count
            for i in blockOffsets.indices {
                try output.writeUInt64(blockOffsets[i])
                try output.writeUInt32(firstTermOffsets[i])
                try output.writeUInt32(firstTermLengths[i])
            }
            let firstTermsOffset = output.count
            try output.write(firstTerms)
            try output.pad(to: 8)
            try output.writeUInt64(UInt64(termCount))
            try output.writeUInt64(UInt64(blockOffsets.count))
            try output.writeUInt64(UInt64(indexOffset))
            try output.writeUInt64(UInt64(firstTermsOffset))
            try output.writeUInt64(UInt64(firstTerms.count))
        } catch { throw .io(error) }
    }
}
