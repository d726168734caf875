/// The best `k` (score, document) pairs seen so far: a binary min-heap whose root is the worst kept entry.
///
/// Order: a higher score is better; between equal scores the smaller document number is better, so results
/// are deterministic and golden files stay stable. Once full, `threshold` is the score a new document must
/// *exceed* to enter — documents arrive in increasing number, so a tie never beats the entry already kept.
struct TopK {
    struct Entry: Equatable {
        var score: Double
        var document: UInt32
    }

    let capacity: Int
    private(set) var entries: [Entry] = []
    /// Added to every document offered: a segment's first document number in its commit, so that one top k
    /// ranks every segment's documents by their commit numbers.
    var documentBase: UInt32 = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        entries.reserveCapacity(self.capacity)
    }

    var isFull: Bool { entries.count >= capacity }

    /// The score to beat once full; `-infinity` before (anything enters).
    var threshold: Double { isFull && capacity > 0 ? entries[0].score : -.infinity }

    /// Whether `a` ranks below `b`.
    @inline(__always)
    private static func worse(_ a: Entry, _ b: Entry) -> Bool {
        a.score < b.score || (a.score == b.score && a.document > b.document)
    }

    /// Offers a document; kept if it ranks among the best `capacity`.
    @inline(__always)
    mutating func insert(_ document: UInt32, score: Double) {
        guard capacity > 0 else { return }
        let entry = Entry(score: score, document: document &+ documentBase)
        if entries.count < capacity {
            entries.append(entry)
            siftUp(entries.count - 1)
        } else if TopK.worse(entries[0], entry) {
            entries[0] = entry
            siftDown(0)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard TopK.worse(entries[child], entries[parent]) else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            var worst = left
            if left + 1 < entries.count && TopK.worse(entries[left + 1], entries[left]) { worst = left + 1 }
            guard TopK.worse(entries[worst], entries[parent]) else { return }
            entries.swapAt(worst, parent)
            parent = worst
        }
    }

    /// The kept entries, best first.
    func sorted() -> [Entry] {
        entries.sorted { TopK.worse($1, $0) }
    }
}
