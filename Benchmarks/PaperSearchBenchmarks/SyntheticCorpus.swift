import Foundation
import PaperSearch

/// A deterministic generator of large abstract corpora whose statistics are learned from a real one.
///
/// Learning keeps, for every paper of the real corpus, its title and abstract as lists of word ids (surface
/// forms with their punctuation, so generated text tokenizes like real text), its first category, year and
/// authors. A synthetic paper takes a real paper as its *seed*: its lengths (jittered by ±25%), category and
/// year come from the seed; each word is drawn from the seed's own words with probability 0.35 (topical
/// clustering, so "similar papers" has neighbours to find), from the seed category's word distribution with
/// probability 0.25, and from the whole corpus's distribution otherwise (a Zipf-shaped vocabulary and
/// realistic document frequencies). Authors are drawn from the real names. All draws come from one SplitMix64
/// stream: the same seed, source corpus and size give the same bytes on every machine.
struct SyntheticCorpus {
    /// A word's surface form, already escaped for a JSON string.
    private var words: [[UInt8]] = []
    private var wordIDs: [String: UInt32] = [:]
    private var seeds: [(title: Range<Int>, abstract: Range<Int>, category: Int, year: Int)] = []
    /// The word ids of every seed's title and abstract, one after another.
    private var text: [UInt32] = []
    private var global = AliasTable(weights: [])
    private var categories: [AliasTable] = []
    private var categoryNames: [[UInt8]] = []
    private var authors: [[UInt8]] = []

    /// Learns from the papers of `paths`.
    init(learningFrom paths: [String]) throws {
        var counts: [Int] = []
        var categoryCounts: [[UInt32: Int]] = []
        var categoryIndex: [String: Int] = [:]
        var authorIndex: Set<String> = []
        _ = try CorpusReader(paths: paths).read { paper in
            let category = paper.categories.first ?? paper.venue ?? "none"
            let slot: Int
            if let known = categoryIndex[category] {
                slot = known
            } else {
                slot = categoryIndex.count
                categoryIndex[category] = slot
                categoryCounts.append([:])
                categoryNames.append(Self.escaped(category))
            }
            func add(_ field: String) -> Range<Int> {
                let start = text.count
                for word in field.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
                    let surface = String(word)
                    let id: UInt32
                    if let known = wordIDs[surface] {
                        id = known
                    } else {
                        id = UInt32(words.count)
                        wordIDs[surface] = id
                        words.append(Self.escaped(surface))
                        counts.append(0)
                    }
                    counts[Int(id)] += 1
                    categoryCounts[slot][id, default: 0] += 1
                    text.append(id)
                }
                return start..<text.count
            }
            let title = add(paper.title), abstract = add(paper.abstract)
            guard !abstract.isEmpty else { return }
            seeds.append((title, abstract, slot, paper.year ?? 2020))
            for name in paper.authors where authorIndex.insert(name).inserted { authors.append(Self.escaped(name)) }
        }
        guard !seeds.isEmpty else { throw SyntheticCorpusError.nothingToLearn(paths) }
        if authors.isEmpty { authors = [Self.escaped("A. Author")] }
        global = AliasTable(weights: counts.map(Double.init))
        // Per category, an alias table over its own words (ids kept beside it).
        for table in categoryCounts {
            let entries = table.sorted { $0.key < $1.key }
            categories.append(AliasTable(weights: entries.map { Double($0.value) }, values: entries.map(\.key)))
        }
    }

    private static func escaped(_ text: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.writeString(text)
        return Array(writer.bytes.dropFirst().dropLast())
    }

    var learnedPapers: Int { seeds.count }
    var vocabulary: Int { words.count }

    /// Writes `count` papers as JSON Lines to `path`, in chunks, numbered (`synth-NNNNNNN`) from
    /// `firstNumber`; returns the bytes written.
    func write(count: Int, seed: UInt64, firstNumber: Int = 0, to path: String) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw SyntheticCorpusError.cannotWrite(path)
        }
        defer { try? handle.close() }
        var random = SplitMix64(seed: seed)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 22)
        var written = 0
        for number in 0..<count {
            appendPaper(firstNumber + number, &random, &buffer)
            if buffer.count >= 1 << 22 || number == count - 1 {
                try handle.write(contentsOf: buffer)
                written += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        return written
    }

    private func appendPaper(_ number: Int, _ random: inout SplitMix64, _ out: inout [UInt8]) {
        let seed = seeds[random.below(seeds.count)]
        func jittered(_ length: Int) -> Int { max(1, length * (75 + random.below(51)) / 100) }
        func words(_ count: Int, from own: Range<Int>) {
            for index in 0..<count {
                if index > 0 { out.append(0x20) }
                let roll = random.below(100)
                let id: UInt32
                if roll < 35 {
                    id = text[own.lowerBound + random.below(own.count)]
                } else if roll < 60 {
                    id = categories[seed.category].draw(&random)
                } else {
                    id = global.draw(&random)
                }
                out.append(contentsOf: self.words[Int(id)])
            }
        }
        out.append(contentsOf: #"{"id":"synth-"#.utf8)
        let digits = String(number)
        out.append(contentsOf: String(repeating: "0", count: max(0, 7 - digits.count)).utf8)
        out.append(contentsOf: digits.utf8)
        out.append(contentsOf: #"","title":""#.utf8)
        // Titles draw their own words from the seed's title and abstract alike.
        words(jittered(seed.title.count), from: seed.title.isEmpty ? seed.abstract : seed.title.lowerBound..<seed.abstract.upperBound)
        out.append(contentsOf: #"","abstract":""#.utf8)
        words(jittered(seed.abstract.count), from: seed.abstract)
        out.append(contentsOf: #"","authors":["#.utf8)
        for index in 0..<(1 + random.below(5)) {
            if index > 0 { out.append(0x2C) }
            out.append(0x22)
            out.append(contentsOf: authors[random.below(authors.count)])
            out.append(0x22)
        }
        out.append(contentsOf: #"],"year":"#.utf8)
        out.append(contentsOf: String(seed.year).utf8)
        out.append(contentsOf: #","categories":[""#.utf8)
        out.append(contentsOf: categoryNames[seed.category])
        out.append(contentsOf: "\"]}\n".utf8)
    }
}

enum SyntheticCorpusError: Error, CustomStringConvertible {
    case nothingToLearn([String])
    case cannotWrite(String)

    var description: String {
        switch self {
        case let .nothingToLearn(paths): return "no papers with an abstract to learn from in \(paths.joined(separator: ", "))"
        case let .cannotWrite(path): return "cannot create \(path)"
        }
    }
}

/// Walker's alias method (Vose's construction): draws from a discrete distribution in constant time.
struct AliasTable {
    private var probability: [Double] = []
    private var alias: [Int] = []
    private var values: [UInt32]

    init(weights: [Double], values: [UInt32]? = nil) {
        self.values = values ?? (0..<weights.count).map { UInt32($0) }
        let total = weights.reduce(0, +)
        guard total > 0 else { return }
        let n = weights.count
        var scaled = weights.map { $0 * Double(n) / total }
        probability = [Double](repeating: 1, count: n)
        alias = Array(0..<n)
        var small = scaled.indices.filter { scaled[$0] < 1 }
        var large = scaled.indices.filter { scaled[$0] >= 1 }
        while let less = small.popLast(), let more = large.popLast() {
            probability[less] = scaled[less]
            alias[less] = more
            scaled[more] -= 1 - scaled[less]
            if scaled[more] < 1 { small.append(more) } else { large.append(more) }
        }
    }

    func draw(_ random: inout SplitMix64) -> UInt32 {
        let column = random.below(probability.count)
        let coin = Double(random.next() >> 11) / Double(1 << 53)
        return values[coin < probability[column] ? column : alias[column]]
    }
}
