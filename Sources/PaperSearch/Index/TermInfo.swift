/// What the dictionary knows of a term: how many documents hold it, where its postings and positions are,
/// and bounds on its score for dynamic pruning.
///
/// A term's list takes one of three shapes (format: `TermDictionaryWriter`, `PostingsEncoder`):
/// - one document: no postings list; the dictionary holds the document, its frequencies and its positions;
/// - one block (2 to 128 documents): the block alone in postings.psp; the dictionary holds what its skip
///   entry would (`onlyBlock…`);
/// - several blocks: a skip table, then the blocks.
struct TermInfo: Equatable, Sendable {
    var documentFrequency: Int
    /// Start of the postings list in postings.psp (unused when the term has one document).
    var postingsOffset: Int
    /// Start of the positions in positions.pos; for a term with one document, of its positions inline in
    /// the term dictionary (in the writer: in the chunk's buffer of inline positions).
    var positionsOffset: Int
    /// Whether positions are stored for the term (`FieldNamespace.hasPositions`); a cursor asked for the
    /// positions of a term without them reports damage rather than matching nothing.
    var hasPositions = true
    /// The only document, inlined when `documentFrequency == 1` (no postings list is written).
    var singleDocument: UInt32 = 0
    var singleTitleFrequency: UInt32 = 0
    var singleAbstractFrequency: UInt32 = 0
    /// The bytes of a single document's inline positions.
    var inlinePositionsLength: Int = 0
    /// A list of one block: its last document, the `BlockChecksum` of its bytes and of its positions.
    var onlyBlockLastDocument: UInt32 = 0
    var onlyBlockChecksum: UInt32 = 0
    var onlyBlockPositionsChecksum: UInt32 = 0
    /// Where those two checksums lie in terms.pst (-1: unknown, in the writer), which numbers the list's
    /// regions for `VerifiedRegions` (`PostingsRegion`).
    var onlyBlockChecksumOffset = -1
    /// The `BlockChecksum` of the skip table (a list of several blocks): the table is read for pruning
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

    /// Blocks of `postingsBlockSize` documents in the list (0 for a single document).
    var blockCount: Int { documentFrequency < 2 ? 0 : (documentFrequency + postingsBlockSize - 1) / postingsBlockSize }
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
/// Position deltas per group in positions.pos (see `PostingsEncoder`).
let positionsGroupSize = 128
