import Dispatch
import Synchronization

/// Analysis on worker threads, handing the analysed papers to `add` in submission order on one serial queue
/// (the writer's side: inverting, and for updates finding the papers they replace). Builds, updates and
/// merges all go through it.
///
/// Papers are submitted one at a time by one thread (a corpus reader's) and go to the workers in batches.
///
/// Invariants: `add` is called only on `addQueue`; a batch's result is added only after every earlier
/// batch's; `slots` bounds the batches in flight (analysed or waiting), so the reader blocks when it runs ahead.
final class AnalysisPipeline: @unchecked Sendable {
    // @unchecked Sendable: mutable state is either guarded by `state` (a Mutex), confined to `addQueue`, or
    // (`pending`) to the one thread that submits; `add` (which need not be thread-safe) runs only on `addQueue`.
    /// Papers a batch holds: enough to keep a worker busy for a while, few enough to bound memory.
    static let batchSize = 256
    private let add: (AnalyzedPaper) throws(IndexError) -> Void
    private let analyzer: Analyzer
    private let analyzers: Mutex<[PaperAnalyzer]>
    private let workQueue = DispatchQueue(label: "PaperSearch.analysis", attributes: .concurrent)
    private let addQueue = DispatchQueue(label: "PaperSearch.invert")
    private let slots: DispatchSemaphore
    private let group = DispatchGroup()
    /// Papers waiting to fill the next batch (only the submitting thread touches them).
    private var pending: [Paper] = []

    private struct State {
        /// Made from the first batch's records before any is analysed, so every record is compressed by the
        /// analysing threads (see `DocStoreWriter`).
        var dictionary: RecordDictionary?
        var nextToSubmit = 0
        var nextToAdd = 0
        var ready: [Int: [AnalyzedPaper]] = [:]
        var failure: IndexError?
        var added = 0
    }
    private let state = Mutex(State())

    init(workers: Int, analyzer: Analyzer, add: @escaping (AnalyzedPaper) throws(IndexError) -> Void) {
        self.add = add
        self.analyzer = analyzer
        analyzers = Mutex((0..<(workers + 1)).map { _ in PaperAnalyzer(analyzer: analyzer) })
        slots = DispatchSemaphore(value: 2 * workers + 2)
    }

    var papersAdded: Int { state.withLock { $0.added } }

    /// Queues a paper; a full batch goes to the workers, blocking while too many batches are in flight.
    /// Returns whether a batch went (for progress reports).
    @discardableResult
    func submit(_ paper: Paper) throws(IndexError) -> Bool {
        pending.append(paper)
        guard pending.count >= AnalysisPipeline.batchSize else { return false }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        try submit(batch: batch)
        return true
    }

    private func submit(batch papers: [Paper]) throws(IndexError) {
        if let failure = state.withLock({ $0.failure }) { throw failure }
        slots.wait()
        let (sequence, dictionary) = state.withLock { state -> (Int, RecordDictionary) in
            defer { state.nextToSubmit += 1 }
            let dictionary = state.dictionary ?? RecordDictionary(firstOf: papers)
            state.dictionary = dictionary
            return (state.nextToSubmit, dictionary)
        }
        group.enter()
        workQueue.async { [self] in
            var analyzer = analyzers.withLock { $0.popLast() } ?? PaperAnalyzer(analyzer: self.analyzer)
            var results: [AnalyzedPaper] = []
            results.reserveCapacity(papers.count)
            for paper in papers {
                var analyzed = AnalyzedPaper()
                analyzer.analyze(paper, into: &analyzed, dictionary: dictionary)
                results.append(analyzed)
            }
            analyzers.withLock { $0.append(analyzer) }
            state.withLock { $0.ready[sequence] = results }
            addQueue.async { [self] in
                drain()
                group.leave()
            }
        }
    }

    /// Adds every batch that is next in order (runs on `addQueue`).
    private func drain() {
        while true {
            let next = state.withLock { state -> [AnalyzedPaper]? in
                guard let batch = state.ready.removeValue(forKey: state.nextToAdd) else { return nil }
                state.nextToAdd += 1
                return batch
            }
            guard let batch = next else { return }
            if state.withLock({ $0.failure }) == nil {
                do {
                    for paper in batch { try add(paper) }
                    state.withLock { $0.added += batch.count }
                } catch {
                    state.withLock { $0.failure = $0.failure ?? error }
                }
            }
            slots.signal()
        }
    }

    /// Sends the last papers, waits for every batch to be added; rethrows the first failure.
    func finish() throws(IndexError) {
        if !pending.isEmpty {
            let batch = pending
            pending = []
            try submit(batch: batch)
        }
        group.wait()
        if let failure = state.withLock({ $0.failure }) { throw failure }
    }

    /// Waits for work in flight to end (after a failure elsewhere); the writer is then discarded.
    func abandon() {
        group.wait()
    }
}
