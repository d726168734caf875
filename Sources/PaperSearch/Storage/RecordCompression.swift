/// LZ77 compression of stored records against a preset dictionary, so that each record stays readable on its
/// own, in constant time, yet shares the repetition of a whole corpus (JSON keys, common words and phrases).
///
/// One compressed record:
///
///     Record   = RawLength varint, Sequence*
///     Sequence = Token u8, LiteralLength+, Literal bytes, [Distance u16, MatchLength+]
///     Token    = literal count (high 4 bits) | match length - 4 (low 4 bits); a field of 15 continues in
///                extension bytes (each added; 255 means another follows)
///     Distance = how far back the match starts in the history: the dictionary, then the record's bytes
///                decoded so far (1...65535)
///
/// The last sequence holds literals only: the record ends after them. On arxiv-daily's records a 32 KiB
/// dictionary made of the corpus's first records makes them 1.95 times smaller (`PaperSearchBenchmarks
/// records`). In a prototype on the same records, each one compressed alone shrank by a fifth, and blocks
/// of 16 compressed together by 1.8 times, at the price of decoding 16 records to read one.
package enum RecordCompression {
    static let minimumMatch = 4
    static let maximumDistance = 65_535
    /// The dictionary is at most this long (so that every dictionary byte is reachable from a record's start).
    package static let dictionaryLength = 32 << 10
    static let hashBits = 14

    /// Why a compressed record cannot be decoded.
    package struct DamagedRecord: Error {
        package let reason: String
    }

    @inline(__always)
    static func hash(_ word: UInt32) -> Int { Int((word &* 2_654_435_761) >> UInt32(32 - hashBits)) }

    @inline(__always)
    static func load32(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt32 {
        unsafe UnsafeRawPointer(bytes.baseAddress.unsafelyUnwrapped + offset).loadUnaligned(as: UInt32.self)
    }

    /// How far `a[aStart...]` and `b[bStart...]` agree, up to `limit` bytes, eight at a time while eight
    /// remain (the first differing byte is the lowest set byte of the XOR). The caller guarantees that
    /// `aStart + limit` and `bStart + limit` lie within the two buffers.
    @inline(__always)
    static func matchLength(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int,
                            limit: Int) -> Int {
        var length = 0
        while length + 8 <= limit {
            let x = unsafe UnsafeRawPointer(a.baseAddress.unsafelyUnwrapped + aStart + length).loadUnaligned(as: UInt64.self)
            let y = unsafe UnsafeRawPointer(b.baseAddress.unsafelyUnwrapped + bStart + length).loadUnaligned(as: UInt64.self)
            let difference = UInt64(littleEndian: x ^ y)
            if difference != 0 { return length + difference.trailingZeroBitCount >> 3 }
            length += 8
        }
        while length < limit, unsafe a[aStart + length] == b[bStart + length] { length += 1 }
        return length
    }

    /// Greedy LZ77 with one candidate from the record and one from the dictionary per position (the longer
    /// wins), in the manner of LZ4's fast mode.
    package struct Compressor {
        let dictionary: [UInt8]
        /// Two words per hash of 4 bytes, side by side so one cache line serves both: the last position of
        /// those bytes in the current record (`stamp << 32 | position`, valid where the stamp is current),
        /// then their last position in the dictionary plus one (0: none).
        private var slots: [UInt64]
        private var stamp: UInt64 = 0

        package init(dictionary: [UInt8]) {
            precondition(dictionary.count <= RecordCompression.dictionaryLength)
            self.dictionary = dictionary
            var slots = [UInt64](repeating: 0, count: 2 << RecordCompression.hashBits)
            unsafe dictionary.withUnsafeBufferPointer { bytes in
                if bytes.count >= RecordCompression.minimumMatch {
                    for position in 0...(bytes.count - RecordCompression.minimumMatch) {
                        let slot = RecordCompression.hash(unsafe RecordCompression.load32(bytes, position))
                        slots[2 * slot + 1] = UInt64(position + 1)
                    }
                }
            }
            self.slots = slots
        }

        /// Appends the compressed form of `input` to `output`.
        package mutating func compress(_ input: [UInt8], into output: inout [UInt8]) {
            VarInt.append(input.count, to: &output)
            stamp += 1
            if stamp == 1 << 32 {
                for index in stride(from: 0, to: slots.count, by: 2) { slots[index] = 0 }
                stamp = 1
            }
            let dictionaryCount = dictionary.count
            let stampBits = stamp << 32
            let stamp = self.stamp
            // The sequences are written through a pointer into room for the worst case, then copied once.
            // Bound: a sequence's token, distance and match extension bytes cost no more than the match of at
            // least four bytes they stand for, and literals cost their bytes plus at most one per 128 (an
            // extension byte per 255, and one to start). So the bytes written never pass those read plus one
            // per 128 plus the last sequence's few, and `SequenceWriter` checks each against this bound.
            let bound = input.count + input.count >> 7 + 16
            let sequences = unsafe [UInt8](unsafeUninitializedCapacity: bound) { out, initialized in
            unsafe input.withUnsafeBufferPointer { bytes in
            unsafe dictionary.withUnsafeBufferPointer { dictionaryBytes in
            unsafe slots.withUnsafeMutableBufferPointer { slots in
                var writer = unsafe SequenceWriter(base: out.baseAddress.unsafelyUnwrapped, capacity: bound)
                let count = bytes.count
                var anchor = 0
                var position = 0
                // Invariant: a 4-byte load at `position` stays inside the record.
                while position + RecordCompression.minimumMatch <= count {
                    let word = unsafe RecordCompression.load32(bytes, position)
                    let slot = 2 * RecordCompression.hash(word)
                    let recordEntry = unsafe slots[slot], dictionaryEntry = unsafe slots[slot + 1]
                    unsafe slots[slot] = stampBits | UInt64(position)
                    var bestLength = 0, bestDistance = 0
                    if recordEntry >> 32 == stamp {
                        let candidate = Int(truncatingIfNeeded: recordEntry & 0xFFFF_FFFF)
                        if position - candidate <= RecordCompression.maximumDistance,
                           unsafe RecordCompression.load32(bytes, candidate) == word {
                            // candidate < position, so the limit keeps both reads inside the record.
                            let extra = unsafe RecordCompression.matchLength(
                                bytes, candidate + RecordCompression.minimumMatch, bytes, position + RecordCompression.minimumMatch,
                                limit: count - position - RecordCompression.minimumMatch)
                            let length = RecordCompression.minimumMatch + extra
                            bestLength = length
                            bestDistance = position - candidate
                        }
                    }
                    if dictionaryEntry != 0 {
                        let candidate = Int(truncatingIfNeeded: dictionaryEntry) - 1
                        if dictionaryCount - candidate + position <= RecordCompression.maximumDistance,
                           unsafe RecordCompression.load32(dictionaryBytes, candidate) == word {
                            // Matches from the dictionary stop at its end (they do not run on into the record).
                            let extra = unsafe RecordCompression.matchLength(
                                dictionaryBytes, candidate + RecordCompression.minimumMatch, bytes, position + RecordCompression.minimumMatch,
                                limit: min(count - position, dictionaryCount - candidate) - RecordCompression.minimumMatch)
                            let length = RecordCompression.minimumMatch + extra
                            if length > bestLength {
                                bestLength = length
                                bestDistance = dictionaryCount - candidate + position
                            }
                        }
                    }
                    if bestLength == 0 {
                        position += 1
                        continue
                    }
                    unsafe writer.sequence(literals: UnsafeBufferPointer(rebasing: bytes[anchor..<position]),
                                           matchLength: bestLength, distance: bestDistance)
                    position += bestLength
                    anchor = position
                }
                unsafe writer.sequence(literals: UnsafeBufferPointer(rebasing: bytes[anchor..<count]), matchLength: 0, distance: 0)
                initialized = writer.written
            }}}}
            output.append(contentsOf: sequences)
        }
    }

    /// Writes sequences (see the format above) through a pointer; `matchLength` 0 makes one the last
    /// (literals only). The caller sized the room by the bound in `compress`, which is checked per sequence.
    @safe private struct SequenceWriter {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int
        private(set) var written = 0

        init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
            unsafe self.base = base
            self.capacity = capacity
        }

        @inline(__always)
        mutating func sequence(literals: UnsafeBufferPointer<UInt8>, matchLength: Int, distance: Int) {
            let literalCount = literals.count
            precondition(written + literalCount + literalCount >> 7 + matchLength >> 7 + 8 <= capacity,
                         "compressed record outgrew its bound")
            let literalField = min(literalCount, 15)
            let matchField = matchLength == 0 ? 0 : min(matchLength - minimumMatch, 15)
            put(UInt8(literalField << 4 | matchField))
            if literalField == 15 { putExtension(literalCount - 15) }
            if literalCount > 0 {
                unsafe (base + written).update(from: literals.baseAddress.unsafelyUnwrapped, count: literalCount)
                written += literalCount
            }
            guard matchLength > 0 else { return }
            put(UInt8(truncatingIfNeeded: distance))
            put(UInt8(truncatingIfNeeded: distance >> 8))
            if matchField == 15 { putExtension(matchLength - minimumMatch - 15) }
        }

        @inline(__always)
        private mutating func put(_ byte: UInt8) {
            unsafe base[written] = byte
            written += 1
        }

        private mutating func putExtension(_ value: Int) {
            var rest = value
            while rest >= 255 {
                put(255)
                rest -= 255
            }
            put(UInt8(rest))
        }
    }

    /// Decodes one record. Every read and every copy is checked, so damaged bytes give `DamagedRecord`,
    /// never a read outside `input`, `dictionary` or the output.
    package static func decompress(_ input: Span<UInt8>, dictionary: Span<UInt8>) throws(DamagedRecord) -> [UInt8] {
        var position = 0
        // No sequence yields more than 255 bytes a byte of input, so a larger length is damage (and is not
        // allocated).
        guard let rawLength = VarInt.read(input, at: &position), rawLength <= 255 * UInt64(input.count) else {
            throw DamagedRecord(reason: "bad length")
        }
        let count = Int(rawLength)
        var failure: String?
        // 16 bytes of slack after the record let short copies move whole 8-byte words.
        let output = unsafe [UInt8](unsafeUninitializedCapacity: count + 16) { out, initialized in
            initialized = 0
            unsafe input.withUnsafeBufferPointer { source in
            unsafe dictionary.withUnsafeBufferPointer { dictionaryBytes in
                let end = source.count
                var written = 0
                func length(base: Int) -> Int? {
                    var value = base
                    if base < 15 { return value }
                    while true {
                        guard position < end else { return nil }
                        let byte = unsafe source[position]
                        position += 1
                        value += Int(byte)
                        if byte != 255 { return value }
                        if value > count { return nil }
                    }
                }
                while true {
                    guard position < end else { failure = "ends early"; return }
                    let token = Int(unsafe source[position])
                    position += 1
                    guard let literals = length(base: token >> 4), literals <= end - position, literals <= count - written else {
                        failure = "literals out of range"
                        return
                    }
                    let target = unsafe out.baseAddress.unsafelyUnwrapped + written
                    if literals <= 16 && end - position >= 16 {
                        // Two words, whatever the count: the source has 16 bytes, the output its slack.
                        let from = unsafe UnsafeRawPointer(source.baseAddress.unsafelyUnwrapped + position)
                        unsafe UnsafeMutableRawPointer(target).storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                        unsafe UnsafeMutableRawPointer(target + 8).storeBytes(
                            of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self), as: UInt64.self)
                    } else if literals > 0 {
                        unsafe target.update(from: source.baseAddress.unsafelyUnwrapped + position, count: literals)
                    }
                    position += literals
                    written += literals
                    if position == end { break }
                    guard end - position >= 2 else { failure = "ends inside a distance"; return }
                    let distance = Int(unsafe source[position]) | Int(unsafe source[position + 1]) << 8
                    position += 2
                    guard let extra = length(base: token & 15) else { failure = "bad match length"; return }
                    let matchLength = extra + minimumMatch
                    guard distance > 0, distance <= written + dictionaryBytes.count, matchLength <= count - written else {
                        failure = "match out of range"
                        return
                    }
                    var copied = 0
                    if distance > written {
                        // Starts in the dictionary; it may run on into the record's first bytes.
                        let start = dictionaryBytes.count - (distance - written)
                        let fromDictionary = min(matchLength, distance - written)
                        let from = unsafe UnsafeRawPointer(dictionaryBytes.baseAddress.unsafelyUnwrapped + start)
                        let to = unsafe UnsafeMutableRawPointer(out.baseAddress.unsafelyUnwrapped + written)
                        var index = 0
                        while index + 8 <= fromDictionary {
                            unsafe (to + index).storeBytes(of: (from + index).loadUnaligned(as: UInt64.self), as: UInt64.self)
                            index += 8
                        }
                        while index < fromDictionary {
                            unsafe (to + index).storeBytes(of: (from + index).load(as: UInt8.self), as: UInt8.self)
                            index += 1
                        }
                        copied = fromDictionary
                    }
                    if copied < matchLength && distance >= 8 {
                        // Word by word: each word is read before anything it overlaps is written, and the
                        // last may run up to 7 bytes into the slack.
                        let target = unsafe UnsafeMutableRawPointer(out.baseAddress.unsafelyUnwrapped + written)
                        while copied < matchLength {
                            unsafe (target + copied).storeBytes(
                                of: (target + copied - distance).loadUnaligned(as: UInt64.self), as: UInt64.self)
                            copied += 8
                        }
                    }
                    // Byte by byte: this match overlaps the bytes it produces.
                    while copied < matchLength {
                        unsafe out[written + copied] = unsafe out[written + copied - distance]
                        copied += 1
                    }
                    written += matchLength
                }
                if written != count { failure = "decodes to \(written) bytes, not \(count)" }
                initialized = written
            }}
        }
        if let failure { throw DamagedRecord(reason: failure) }
        return output
    }
}
