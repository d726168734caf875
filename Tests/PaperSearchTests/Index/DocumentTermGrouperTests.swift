import Testing
@testable import PaperSearch

@Suite("Grouping a paper's terms")
struct DocumentTermGrouperTests {
    /// One occurrence fed to the grouper.
    struct Occurrence {
        var term: String
        var namespace: FieldNamespace
        var position: Int
    }

    /// Groups `occurrences` and reads the result back as (namespace, term) -> (title, abstract, positions).
    func grouped(_ occurrences: [Occurrence], grouper: inout DocumentTermGrouper) -> [(FieldNamespace, String, UInt64, UInt64, [UInt32])] {
        grouper.begin()
        for occurrence in occurrences {
            let bytes = Array(occurrence.term.utf8)
            grouper.add(bytes.span, namespace: occurrence.namespace, position: occurrence.position)
        }
        var paper = AnalyzedPaper()
        grouper.finish(&paper)
        var result: [(FieldNamespace, String, UInt64, UInt64, [UInt32])] = []
        var termStart = 0, entryStart = 0
        for index in 0..<paper.termCount {
            let term = Array(paper.termBytes[termStart..<Int(paper.termEnds[index])])
            let word = Array(term.dropFirst())
            let key = TermKey.key(word.span, term[0])
            #expect(paper.termKeys[index] == key)
            let entry = Array(paper.entries[entryStart..<Int(paper.entryEnds[index])])
            var offset = 0
            let title = VarInt.read(entry, at: &offset) ?? 0, abstract = VarInt.read(entry, at: &offset) ?? 0
            var positions: [UInt32] = []
            var previous: UInt32 = 0
            while offset < entry.count {
                if positions.count == Int(title) { previous = UInt32(IndexFormat.abstractPositionBase) }
                previous += UInt32(VarInt.read(entry, at: &offset) ?? 0)
                positions.append(previous)
            }
            result.append((FieldNamespace(rawValue: term[0]) ?? .text, String(decoding: term.dropFirst(), as: UTF8.self),
                           title, abstract, positions))
            termStart = Int(paper.termEnds[index])
            entryStart = Int(paper.entryEnds[index])
        }
        return result
    }

    /// The same grouping done the obvious way: distinct terms in order of first occurrence.
    func expected(_ occurrences: [Occurrence]) -> [(FieldNamespace, String, UInt64, UInt64, [UInt32])] {
        var order: [String] = []
        var byKey: [String: (FieldNamespace, String, [UInt32])] = [:]
        for occurrence in occurrences {
            let key = "\(occurrence.namespace.rawValue)|\(occurrence.term)"
            if byKey[key] == nil { order.append(key); byKey[key] = (occurrence.namespace, occurrence.term, []) }
            byKey[key]?.2.append(UInt32(occurrence.position))
        }
        return order.compactMap { key in
            guard let (namespace, term, positions) = byKey[key] else { return nil }
            let title = positions.filter { $0 < UInt32(IndexFormat.abstractPositionBase) }.count
            return (namespace, term, UInt64(title), UInt64(positions.count - title), positions)
        }
    }

    func check(_ occurrences: [Occurrence], grouper: inout DocumentTermGrouper) {
        let actual = grouped(occurrences, grouper: &grouper), wanted = expected(occurrences)
        #expect(actual.count == wanted.count)
        for (a, b) in zip(actual, wanted) {
            #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.3 == b.3 && a.4 == b.4, "\(a) != \(b)")
        }
    }

    @Test func termsAreGroupedByNamespaceAndBytes() {
        var grouper = DocumentTermGrouper()
        let base = IndexFormat.abstractPositionBase
        check([
            Occurrence(term: "model", namespace: .text, position: 0),
            Occurrence(term: "language", namespace: .text, position: 1),          // 8 bytes: hashed key
            Occurrence(term: "transformers", namespace: .text, position: 2),
            Occurrence(term: "model", namespace: .author, position: 0),           // same bytes, other namespace
            Occurrence(term: "model", namespace: .text, position: base + 3),
            Occurrence(term: "languag", namespace: .text, position: base + 4),    // 7 bytes: packed key
            Occurrence(term: "language", namespace: .text, position: base + 5),
            Occurrence(term: "languages", namespace: .text, position: base + 9),
            Occurrence(term: "transformers", namespace: .venue, position: 0),
            Occurrence(term: "", namespace: .id, position: 0),
        ], grouper: &grouper)
    }

    @Test func manyTermsGrowTheTablesAndLaterPapersStartAfresh() {
        var grouper = DocumentTermGrouper()
        var random = SplitMix64(seed: 7)
        for paper in 0..<4 {
            // The first paper is large (past the first table size); later ones are small, in the same grouper.
            let count = paper == 0 ? 5_000 : 40
            var occurrences: [Occurrence] = []
            for position in 0..<count {
                let word = "w\(random.next() % (paper == 0 ? 3_000 : 12))" + (random.next() % 2 == 0 ? "suffixed" : "")
                let field = position < count / 4 ? position : IndexFormat.abstractPositionBase + position
                occurrences.append(Occurrence(term: word, namespace: random.next() % 5 == 0 ? .author : .text, position: field))
            }
            check(occurrences, grouper: &grouper)
        }
    }
}
