import Dispatch

/// Encodes the final postings on every core and writes them in dictionary order.
///
/// The committing thread hands over terms in dictionary order: either the inverter's term ids (when nothing
/// was spilled), or terms with their raw streams read from the sorted runs (the `Inverter` format, one stream
/// per run). Terms are gathered into chunks; worker threads read (from the inverter), decode and encode a
/// chunk (`MergedPostings`, `PostingsEncoder`), which is most of a commit's work. The committing thread
/// writes finished chunks in the order they were made: postings and positions bytes to their files, then
/// each term to the dictionary with its offsets moved by where the chunk's bytes landed. The files are therefore byte for byte what one thread would write. At most
/// `2 × threads + 1` chunks are in flight, so memory stays bounded.
final class PostingsChunkWriter {
    /// A run of consecutive terms: streams in, encoded postings out. A plain value, so that the loops over
    /// it run without the exclusivity checks that a class's properties would cost; it travels in a `Chunk`.
    private struct ChunkContent {
        /// The inverter's term ids (their terms and streams are read by the worker), or none.
        var inverterIDs: [Int] = []
        /// Postings handed over so far (for the inverter's terms), to size chunks.
        var inverterPostings = 0
        var terms: [UInt8] = []
        /// Per term: where its bytes end in `terms`, and where its streams end in `partEnds`.
        var termEnds: [Int] = []
        var termPartEnds: [Int] = []
        /// Streams back to back; per stream: where it ends, and which source it came from.
        var streams: [UInt8] = []
        var partEnds: [Int] = []
        var partSources: [Int] = []

        var postings: [UInt8] = []
        /// One term's positions as the streams give them (varints), while it is encoded.
        var positions: [UInt8] = []
        /// The positions of terms in several documents, packed for positions.pos.
        var packedPositions: [UInt8] = []
        /// The positions of single-document terms, which the dictionary holds.
        var inlinePositions: [UInt8] = []
        var infos: [TermInfo] = []
        var failure: IndexError?

        var isEmpty: Bool { termEnds.isEmpty && inverterIDs.isEmpty }

        mutating func reset() {
            inverterIDs.removeAll(keepingCapacity: true)
            inverterPostings = 0
            terms.removeAll(keepingCapacity: true)
            termEnds.removeAll(keepingCapacity: true)
            termPartEnds.removeAll(keepingCapacity: true)
            streams.removeAll(keepingCapacity: true)
            partEnds.removeAll(keepingCapacity: true)
            partSources.removeAll(keepingCapacity: true)
            postings.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
            packedPositions.removeAll(keepingCapacity: true)
            inlinePositions.removeAll(keepingCapacity: true)
            infos.removeAll(keepingCapacity: true)
            failure = nil
        }
    }

    /// A chunk on its way to a worker and back.
    ///
    /// `@unchecked Sendable`: the committing thread fills it, then one worker takes its content and puts
    /// it back, and the committing thread reads it again only after the worker signalled `done`, which
    /// orders the accesses.
    private final class Chunk: @unchecked Sendable {
        var content: ChunkContent
        let done = DispatchSemaphore(value: 0)

        init(_ content: ChunkContent) { self.content = content }
    }

    /// `@unchecked Sendable`: workers only read the inverter, and nothing changes it while the writer works
    /// (the commit that owns it waits in `finish()`).
    private struct ReadOnlyInverter: @unchecked Sendable {
        let inverter: Inverter
    }

    /// A chunk is handed over once its streams reach this many bytes, or its inverter terms this many
    /// postings, or it holds `termsPerChunk` terms (16,384 unless a test asks for fewer).
    static let chunkBytes = 512 << 10
    static let chunkPostings = 64 << 10
    static let defaultTermsPerChunk = 16_384
    private let termsPerChunk: Int

    private let postingsOutput: FileOutput
    private let positionsOutput: FileOutput
    private(set) var dictionary: TermDictionaryWriter
    private(set) var postingCount = 0
    private let encoder: PostingsEncoder
    /// Where streams come from, for error messages (a part's source indexes this).
    private let sources: [String]
    /// The inverter whose terms `add(inverterTerm:)` hands over.
    private let inverter: ReadOnlyInverter?
    private let queue = DispatchQueue(label: "PaperSearch.postings", attributes: .concurrent)
    private let maximumInFlight: Int
    private var inFlight: [Chunk] = []
    private var spare: [ChunkContent] = []
    private var current = ChunkContent()

    /// A writer for the terms of `inverter` (`add(inverterTerm:)`), or, without one, for terms whose streams
    /// come from `sources` (`appendStream`, `endTerm`).
    init(postings: FileOutput, positions: FileOutput, dictionary: FileOutput, encoder: PostingsEncoder,
         inverter: Inverter? = nil, sources: [String], threads: Int, termsPerChunk: Int = defaultTermsPerChunk) {
        self.termsPerChunk = max(1, termsPerChunk)
        self.inverter = inverter.map(ReadOnlyInverter.init)
        postingsOutput = postings
        positionsOutput = positions
        self.dictionary = TermDictionaryWriter(output: dictionary)
        self.encoder = encoder
        self.sources = sources
        maximumInFlight = 2 * max(1, threads) + 1
    }

    /// Hands over the inverter's term `id` (in `documentFrequency` documents); terms come in dictionary order.
    func add(inverterTerm id: Int, documentFrequency: Int) throws(IndexError) {
        current.inverterIDs.append(id)
        current.inverterPostings += documentFrequency
        if current.inverterPostings >= PostingsChunkWriter.chunkPostings || current.inverterIDs.count >= termsPerChunk {
            try handOver()
        }
    }

    /// Appends one of the current term's streams (`write` appends its bytes); `source` indexes `sources`.
    func appendStream(source: Int, _ write: (inout [UInt8]) -> Void) {
        write(&current.streams)
        current.partEnds.append(current.streams.count)
        current.partSources.append(source)
    }

    /// Ends the current term (its streams appended before); terms come in dictionary order.
    func endTerm<Term: Collection<UInt8>>(_ term: Term) throws(IndexError) {
        current.terms.append(contentsOf: term)
        current.termEnds.append(current.terms.count)
        current.termPartEnds.append(current.partEnds.count)
        if current.streams.count >= PostingsChunkWriter.chunkBytes || current.termEnds.count >= termsPerChunk {
            try handOver()
        }
    }

    /// Encodes and writes what is left; afterwards `dictionary` holds every term.
    func finish() throws(IndexError) {
        if !current.isEmpty { try handOver() }
        while !inFlight.isEmpty { try writeOldest() }
    }

    private func handOver() throws(IndexError) {
        while inFlight.count >= maximumInFlight { try writeOldest() }
        let chunk = Chunk(current)
        inFlight.append(chunk)
        current = spare.popLast() ?? ChunkContent()
        let encoder = self.encoder, sources = self.sources, inverter = self.inverter
        queue.async {
            var content = ChunkContent()
            swap(&content, &chunk.content)
            if let inverter, !content.inverterIDs.isEmpty {
                PostingsChunkWriter.read(&content, from: inverter.inverter)
            }
            PostingsChunkWriter.encode(&content, encoder: encoder, sources: sources)
            swap(&content, &chunk.content)
            chunk.done.signal()
        }
    }

    private func writeOldest() throws(IndexError) {
        let chunk = inFlight.removeFirst()
        chunk.done.wait()
        var content = ChunkContent()
        swap(&content, &chunk.content)
        if let failure = content.failure { throw failure }
        let postingsBase = postingsOutput.count, positionsBase = positionsOutput.count
        do {
            try postingsOutput.write(content.postings)
            try positionsOutput.write(content.packedPositions)
        } catch { throw .io(error) }
        var termStart = 0
        for (index, var info) in content.infos.enumerated() {
            var inline: ArraySlice<UInt8> = []
            if info.documentFrequency == 1 {
                inline = content.inlinePositions[info.positionsOffset..<(info.positionsOffset + info.inlinePositionsLength)]
            } else {
                info.postingsOffset += postingsBase
                info.positionsOffset += positionsBase
            }
            try dictionary.add(content.terms[termStart..<content.termEnds[index]], info, inlinePositions: inline)
            postingCount += info.documentFrequency
            termStart = content.termEnds[index]
        }
        content.reset()
        spare.append(content)
    }

    /// Fills a chunk's terms and streams from the inverter (on a worker thread).
    private static func read(_ chunk: inout ChunkContent, from inverter: Inverter) {
        for id in chunk.inverterIDs {
            inverter.postings(of: id, into: &chunk.streams)
            chunk.partEnds.append(chunk.streams.count)
            chunk.partSources.append(0)
            chunk.termPartEnds.append(chunk.partEnds.count)
            chunk.terms.append(contentsOf: inverter.term(id))
            chunk.termEnds.append(chunk.terms.count)
        }
    }

    /// Decodes and encodes every term of a chunk (on a worker thread).
    private static func encode(_ chunk: inout ChunkContent, encoder: PostingsEncoder, sources: [String]) {
        var encoder = encoder
        var merged = MergedPostings()
        var partStart = 0
        var streamStart = 0
        var termStart = 0
        for (term, termPartEnd) in chunk.termPartEnds.enumerated() {
            let hasPositions = FieldNamespace.hasPositions(termStartingWith: chunk.terms[termStart])
            termStart = chunk.termEnds[term]
            for part in partStart..<termPartEnd {
                let streamEnd = chunk.partEnds[part]
                let intact = unsafe chunk.streams.withUnsafeBufferPointer { streams in
                    unsafe merged.append(stream: UnsafeBufferPointer(rebasing: streams[streamStart..<streamEnd]),
                                         positions: &chunk.positions)
                }
                guard intact else {
                    chunk.failure = .corrupt(file: sources[chunk.partSources[part]], reason: "a postings stream is damaged")
                    return
                }
                streamStart = streamEnd
            }
            partStart = termPartEnd
            let info = encoder.encode(merged.postings, positions: hasPositions ? chunk.positions[...] : nil,
                                      positionsOffset: chunk.inlinePositions.count, into: &chunk.postings,
                                      packedPositions: &chunk.packedPositions)
            if info.documentFrequency == 1 {
                // The dictionary holds a single document's positions.
                chunk.inlinePositions.append(contentsOf: chunk.positions.prefix(info.inlinePositionsLength))
            }
            chunk.positions.removeAll(keepingCapacity: true)
            chunk.infos.append(info)
            merged.removeAll()
        }
    }
}

/// One document of a term's postings, decoded from a stream.
struct DecodedPosting {
    var document: UInt32 = 0
    var titleFrequency: UInt32 = 0
    var abstractFrequency: UInt32 = 0
    /// How many bytes the document's positions take.
    var positionBytes: UInt32 = 0
}

/// One term's postings gathered from the inverter or from the runs, decoded.
struct MergedPostings {
    /// The first `count` elements are the postings; the array keeps its length between terms, so that
    /// decoding writes in place instead of appending field by field.
    private var storage: [DecodedPosting] = []
    private var count = 0

    var postings: ArraySlice<DecodedPosting> { storage[0..<count] }

    mutating func removeAll() { count = 0 }

    /// Decodes one stream (see `Inverter`), appends its documents, and its positions' bytes to `positions`
    /// (they are copied as they are: the stream holds them in the final format). False if the stream is
    /// damaged: it ends inside an entry, or a value is out of range.
    mutating func append(stream: UnsafeBufferPointer<UInt8>, positions: inout [UInt8]) -> Bool {
        guard let source = stream.baseAddress else { return true }
        // Room is made first: an entry takes at least three bytes, and positions are part of the stream's bytes.
        let room = count + stream.count / 3
        if storage.count < room {
            storage.append(contentsOf: repeatElement(DecodedPosting(), count: max(room, 2 * storage.count) - storage.count))
        }
        let positionsStart = positions.count
        unsafe positions.append(contentsOf: stream)
        var written = positionsStart
        var decoded = count
        let intact = unsafe storage.withUnsafeMutableBufferPointer { output in
            unsafe positions.withUnsafeMutableBufferPointer { positionsOutput in
                guard let positionsBase = positionsOutput.baseAddress else { return false }
                let bytes = unsafe stream.span
                var offset = 0
                var previous: Int64 = -1
                while offset < bytes.count {
                    guard let gap = VarInt.read(bytes, at: &offset), let title = VarInt.read(bytes, at: &offset),
                          let abstract = VarInt.read(bytes, at: &offset) else { return false }
                    let document = previous &+ 1 &+ Int64(truncatingIfNeeded: gap)
                    guard gap < UInt64(UInt32.max), document < Int64(UInt32.max), title <= UInt64(Int32.max),
                          abstract <= UInt64(Int32.max) else { return false }
                    let start = offset
                    guard unsafe VarInt.skip(Int(title + abstract), in: stream, at: &offset) else { return false }
                    // In bounds: `written` stays at most `start` past `positionsStart` (headers are skipped), and
                    // `positionsStart + stream.count` bytes were appended.
                    unsafe (positionsBase + written).update(from: source + start, count: offset - start)
                    written += offset - start
                    // In bounds: each entry read took at least three bytes, and `room` counted a third of them.
                    unsafe output[decoded] = DecodedPosting(
                        document: UInt32(document), titleFrequency: UInt32(title), abstractFrequency: UInt32(abstract),
                        positionBytes: UInt32(offset - start))
                    decoded += 1
                    previous = document
                }
                return true
            }
        }
        positions.removeLast(positions.count - written)
        count = decoded
        return intact
    }
}
