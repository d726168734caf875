/// What the dictionary knows of a term: how many documents hold it, where its postings and positions are,
/// and bounds on its score for dynamic pruning.
struct TermInfo: Equatable, Sendable {
    var documentFrequency: Int
    /// Start of the postings list in postings.psp (unused when the term has one document).
    var postingsOffset: Int
    /// Start of the positions in positions.pos.
    var positionsOffset: Int
    /// The only document, inlined when `documentFrequency == 1` (no postings list is written).
    var singleDocument: UInt32 = 0
    var singleTitleFrequency: UInt32 = 0
    var singleAbstractFrequency: UInt32 = 0
    /// The `BlockChecksum` of the only document's positions (a term in several documents has one per block).
    var singlePositionsChecksum: UInt32 = 0
    /// The `BlockChecksum` of the skip table (a term in several documents): the table is read for pruning
    /// without decoding blocks, so it is checked as a whole when a cursor starts.
    var skipTableChecksum: UInt32 = 0
    /// The largest BM25 saturation of any document, for the parameters the index was built with.
    var maxSaturation: Float = 0
    /// Parameter-free bound components: the largest frequencies and the smallest field lengths of any
    /// document holding the term (lengths saturate at 65,535).
    var maxTitleFrequency: UInt32 = 0
    var maxAbstractFrequency: UInt32 = 0
    var minTitleLength: UInt32 = 0
    var minAbstractLength: UInt32 = 0
}

/// One block's entry in a postings list's skip table (32 bytes on disk), see `PostingsEncoder`.
struct SkipEntry: Equatable, Sendable {
    static let size = 32
    var lastDocument: UInt32
    /// End of the block's data, relative to the start of the list's block data.
    var dataEnd: UInt32
    /// Start of the block's positions, relative to the term's positions offset.
    var positionsStart: UInt32
    var maxSaturation: Float
    var maxTitleFrequency: UInt16
    var maxAbstractFrequency: UInt16
    var minTitleLength: UInt16
    var minAbstractLength: UInt16
    /// `BlockChecksum` of the block's bytes, and of its documents' positions.
    var blockChecksum: UInt32
    var positionsChecksum: UInt32
}

/// Documents per postings block.
let postingsBlockSize = 128
