/// Canonical Huffman codes, as DEFLATE defines them (RFC 1951, 3.2.2): a code is given by its lengths alone
/// (shorter codes first, then by symbol), and written least significant bit first, so that a decoder can
/// index a table with the next bits of its input. The inflater reads codes from gzip files; the record
/// compressor (`RecordCompression`) makes its own from symbol counts.
enum HuffmanCode {
    /// Code lengths for symbols of the given counts, none longer than `limit`: Huffman's construction, and,
    /// while some code comes out too long, again on counts halved (kept above zero), which flattens the
    /// tree. A symbol of count 0 gets no code; a lone symbol gets a code of one bit.
    static func lengths(counts: [Int], limit: Int) -> [UInt8] {
        precondition(limit >= 1 && limit <= 15 && counts.count <= 1 << limit)
        var weights = counts
        while true {
            let lengths = unlimitedLengths(weights)
            if Int(lengths.max() ?? 0) <= limit { return lengths }
            weights = weights.map { $0 == 0 ? 0 : max(1, $0 >> 1) }
        }
    }

    /// Huffman's construction with two queues: leaves in order of weight, then the merged nodes, which come
    /// out in order of weight too, so the two lightest are always at the queues' heads.
    private static func unlimitedLengths(_ weights: [Int]) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: weights.count)
        let leaves = weights.indices.filter { weights[$0] > 0 }.sorted { (weights[$0], $0) < (weights[$1], $1) }
        if leaves.count == 1 { lengths[leaves[0]] = 1 }
        guard leaves.count > 1 else { return lengths }
        // Nodes 0..<leaves.count are the leaves; merged nodes follow. `parent` links each to its parent.
        var weight = leaves.map { weights[$0] }
        var parent = [Int](repeating: -1, count: 2 * leaves.count - 1)
        var nextLeaf = 0, nextMerged = leaves.count
        func lightest() -> Int {
            if nextLeaf < leaves.count && (nextMerged >= weight.count || weight[nextLeaf] <= weight[nextMerged]) {
                nextLeaf += 1
                return nextLeaf - 1
            }
            nextMerged += 1
            return nextMerged - 1
        }
        for _ in 1..<leaves.count {
            let a = lightest(), b = lightest()
            parent[a] = weight.count
            parent[b] = weight.count
            weight.append(weight[a] + weight[b])
        }
        for (node, symbol) in leaves.enumerated() {
            var depth = 0, at = node
            while parent[at] >= 0 {
                depth += 1
                at = parent[at]
            }
            lengths[symbol] = UInt8(depth)
        }
        return lengths
    }

    /// The codes of the symbols, bit-reversed for writing least significant bit first (0 where a symbol has
    /// no code), or nil when the lengths over-subscribe the code space or pass 15.
    static func codes(lengths: [UInt8]) -> [UInt16]? {
        var lengthCounts = [Int](repeating: 0, count: 16)
        for length in lengths {
            guard length <= 15 else { return nil }
            lengthCounts[Int(length)] += 1
        }
        lengthCounts[0] = 0
        var available = 1
        for length in 1...15 {
            available = available * 2 - lengthCounts[length]
            if available < 0 { return nil }
        }
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + lengthCounts[length - 1]) << 1
            nextCode[length] = code
        }
        return lengths.map { length in
            guard length > 0 else { return 0 }
            let code = nextCode[Int(length)]
            nextCode[Int(length)] += 1
            var reversed = 0
            for bit in 0..<Int(length) where code & (1 << bit) != 0 { reversed |= 1 << (Int(length) - 1 - bit) }
            return UInt16(reversed)
        }
    }
}

/// A canonical Huffman code as one lookup table indexed by the next `maxLength` input bits
/// (least significant bit first, as DEFLATE packs codes). Entry = symbol << 4 | code length; 0 = no code.
struct HuffmanTable {
    var entries: [UInt16] = []
    var maxLength = 0
    var mask: UInt64 = 0

    static let fixedLiteralLengths: [UInt8] =
        Array(repeating: 8, count: 144) + Array(repeating: 9, count: 112)
        + Array(repeating: 7, count: 24) + Array(repeating: 8, count: 8)
    static let fixedDistanceLengths: [UInt8] = Array(repeating: 5, count: 30)

    /// Builds the table from code lengths; returns false for an over-subscribed code.
    /// Incomplete codes are allowed (DEFLATE permits a single distance code); unused entries stay 0.
    @discardableResult
    mutating func build(lengths: [UInt8]) -> Bool {
        guard lengths.count <= 4096, let codes = HuffmanCode.codes(lengths: lengths) else { return false }
        maxLength = max(1, Int(lengths.max() ?? 1))
        let size = 1 << maxLength
        mask = UInt64(size - 1)
        entries = [UInt16](repeating: 0, count: size)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let entry = UInt16(symbol << 4 | Int(length))
            var index = Int(codes[symbol])
            while index < size {
                entries[index] = entry
                index += 1 << Int(length)
            }
        }
        return true
    }
}

/// DEFLATE's length and distance codes (RFC 1951, 3.2.5), each as `base | extra bits << 16`: lengths 3-258 for
/// symbols 257...285, distances for codes 0...29 (up to 32,768), and two more for distances up to 65,536
/// (as Deflate64 has them), which only `RecordCompression` uses: its records reach back over a 32 KiB
/// dictionary and up to 64 KiB in all.
enum DeflateCodes {
    static let lengths: [UInt32] = zip(
        [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258],
        [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    ).map { UInt32($0 | $1 << 16) }
    static let distances: [UInt32] = zip(
        [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
         4097, 6145, 8193, 12289, 16385, 24577, 32769, 49153],
        [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14]
    ).map { UInt32($0 | $1 << 16) }
    /// The distance codes DEFLATE itself has.
    static let deflateDistanceCount = 30

    /// Tops a decoder's bit buffer (`bits`, of which the low `count` are real) up to at least 56 bits from
    /// `input` at `position`, or to what is left of it; the bits above `count` stay zero.
    @inline(__always)
    static func refill(_ bits: inout UInt64, _ count: inout Int, from input: UnsafeBufferPointer<UInt8>, at position: inout Int) {
        if position + 8 <= input.count {
            // Branch-free: load 8 bytes, keep the whole ones that fit below bit 64.
            let word = unsafe UnsafeRawPointer(input.baseAddress.unsafelyUnwrapped + position).loadUnaligned(as: UInt64.self)
            bits |= word &<< UInt64(count)
            position += (63 - count) >> 3
            count |= 56
        }
        while count <= 56 && position < input.count {
            bits |= UInt64(unsafe input[position]) &<< UInt64(count)
            position += 1
            count += 8
        }
    }

    /// A symbol taken with its code off a decoder's bit buffer (`HuffmanTable` entries), or why none was.
    enum Taken { case symbol(Int), noCode, endOfInput }

    @inline(__always)
    static func take(_ entries: UnsafeBufferPointer<UInt16>, mask: UInt64, _ bits: inout UInt64, _ count: inout Int) -> Taken {
        let entry = unsafe entries[Int(bits & mask)]
        let length = Int(entry & 15)
        guard length > 0 else { return .noCode }
        guard length <= count else { return .endOfInput }
        bits &>>= UInt64(length)
        count -= length
        return .symbol(Int(entry >> 4))
    }

    /// Copies a match: `length` bytes from `distance` bytes back to `target`, which may overlap them. Word by
    /// word when the distance allows (each word is read before anything it overlaps is written), so the
    /// caller leaves 8 bytes of room past the match.
    @inline(__always)
    static func copyMatch(to target: UnsafeMutablePointer<UInt8>, distance: Int, length: Int) {
        let source = unsafe target - distance
        if distance >= 8 {
            var copied = 0
            while copied < length {
                let word = unsafe UnsafeRawPointer(source + copied).loadUnaligned(as: UInt64.self)
                unsafe UnsafeMutableRawPointer(target + copied).storeBytes(of: word, as: UInt64.self)
                copied += 8
            }
        } else {
            for offset in 0..<length { unsafe target[offset] = unsafe source[offset] }
        }
    }

    /// The length code (0...28) of a match length (3...258).
    static func lengthCode(_ length: Int) -> Int { lengthCodeTable[length] }

    /// The distance code (0...31) of a distance (1...65,536).
    static func distanceCode(_ distance: Int) -> Int {
        distance <= 256 ? Int(smallDistanceCodes[distance]) : Int(largeDistanceCodes[(distance - 1) >> 7])
    }

    private static let lengthCodeTable: [Int] = (0...258).map { length in
        guard length >= 3 else { return 0 }
        return lengths.lastIndex { Int($0 & 0xFFFF) <= length } ?? 0
    }
    /// Codes of distances 0...256, and of distances above 256 by (distance - 1) / 128 (codes from 16 on
    /// span multiples of 128).
    private static let smallDistanceCodes: [UInt8] = (0...256).map { distance in
        UInt8(distances.lastIndex { Int($0 & 0xFFFF) <= max(distance, 1) } ?? 0)
    }
    private static let largeDistanceCodes: [UInt8] = (0..<512).map { bucket in
        UInt8(distances.lastIndex { Int($0 & 0xFFFF) <= bucket * 128 + 1 } ?? 0)
    }
}
