import Dispatch
import Synchronization

/// How far a build has come, for progress displays.
public struct IndexProgress: Sendable {
    public var papersIndexed: Int
    /// The number of papers the corpus holds, when known (after the first pass of a two-pass read).
    public var papersPlanned: Int?
    /// The share of the corpus bytes read so far (0...1), when the papers to come are not counted.
    public var fractionRead: Double?
    public var seconds: Double
}

/// Builds an index from corpus files: the corpus readers feed an `IndexWriter` that replaces the whole index
/// with one new segment, published only if the build succeeds.
///
/// Both cores work: the calling thread reads and parses the corpus and hands papers over in batches; worker
/// threads analyse the batches (the costly part: tokens, stems, each paper's terms grouped and their postings
/// entries encoded, the stored record written); one serial queue adds the analysed batches to the writer in
/// corpus order (one table lookup and one copy per distinct term, and the record's compression), so document
/// numbers — and the index — are the same however the threads run. At most a few batches are in flight, so
/// memory stays flat. The commit then encodes the final postings on every core (`PostingsChunkWriter`).
///
/// The corpus is read in one pass (`CorpusReader.readOnce`). If an id repeats, that attempt is dropped — its
/// writer removes its files — and the build starts again with the two-pass read that merges duplicates, so
/// the index is the same as if it had been built that way from the start.
public enum IndexBuilder {
    /// Reads `paths` and (re)builds the index in `directory`. If nothing could be read but problems were
    /// found (a wrong path, say), or anything fails, the live index stays as it was.
    public static func build(
        corpus paths: [String], into directory: String, options: IndexWriter.Options = IndexWriter.Options(),
        strict: Bool = false, threads: Int = ProcessorInfo.activeProcessorCount,
        progress: ((IndexProgress) -> Void)? = nil
    ) throws(IndexError) -> (summary: IndexSummary, report: CorpusReport) {
        let reader = CorpusReader(paths: paths, strict: strict)
        let started = SystemCalls.monotonicSeconds()
        for onePass in [true, false] {
            do {
                return try attempt(onePass: onePass, reader: reader, directory: directory, options: options,
                                   threads: threads, started: started, progress: progress)
            } catch {
                switch error {
                case let .failed(failure): throw failure
                case .repeatedID: continue  // only the one-pass attempt stops for this
                }
            }
        }
        throw .corrupt(file: directory, reason: "the corpus could not be read in two passes")
    }

    /// Why an attempt stopped: a failure, or an id that repeats (one-pass attempts only).
    private enum AttemptError: Error {
        case failed(IndexError)
        case repeatedID
    }

    private static func attempt(
        onePass: Bool, reader: CorpusReader, directory: String, options: IndexWriter.Options, threads: Int,
        started: Double, progress: ((IndexProgress) -> Void)?
    ) throws(AttemptError) -> (summary: IndexSummary, report: CorpusReport) {
        let writer: IndexWriter
        do { writer = try IndexWriter(directory: directory, options: options, replacing: true, distinctIDs: true) } catch { throw .failed(error) }
        let pipeline = AnalysisPipeline(workers: max(1, threads), analyzer: options.analyzer) { (paper: AnalyzedPaper) throws(IndexError) in
            try writer.add(paper)
        }
        var planned: Int?
        var fraction: Double?
        var nextReport = 0
        let add = { (paper: Paper) throws in
            if try pipeline.submit(paper) {
                let indexed = pipeline.papersAdded
                if let progress, indexed >= nextReport {
                    nextReport = indexed + 1000
                    progress(IndexProgress(papersIndexed: indexed, papersPlanned: planned, fractionRead: fraction,
                                           seconds: SystemCalls.monotonicSeconds() - started))
                }
            }
        }
        // Whatever ends the attempt but a commit discards the build, before this returns (not whenever the
        // last reference to the writer goes, which may be after the process has exited).
        var committed = false
        defer {
            if !committed {
                pipeline.abandon()
                writer.abandon()
            }
        }
        let report: CorpusReport
        do {
            // Files that can be read again are recorded with the ids they gave, for syncs (`IndexSync`).
            let ledger = reader.pathsCanBeReadAgain ? SourceLedger(paths: try reader.resolvedInputs().map(\.path)) : nil
            let observe = ledger.map { ledger in { (number: Int, paper: Paper, hash: UInt64) in ledger.observe(number, paper, hash) } }
            if onePass {
                report = try reader.readOnce(progress: { fraction = $0 }, observe: observe, add)
            } else {
                report = try reader.read(planned: { planned = $0 }, observe: observe, add)
            }
            try pipeline.finish()
            if let ledger {
                let files = try ledger.recordedFiles()
                writer.sources = Commit.Sources(directory: try SystemCalls.currentDirectory(), roots: reader.paths, files: files.map(\.source))
                writer.newSourceIDs = Dictionary(files.map { ($0.source.path, $0.entries) }, uniquingKeysWith: { first, _ in first })
            }
        } catch is CorpusReader.RepeatedID {
            throw .repeatedID
        } catch let error as CorpusError {
            throw .failed(.corpus(error))
        } catch let error as IndexError {
            throw .failed(error)
        } catch let error as StorageError {
            throw .failed(.io(error))
        } catch {
            throw .failed(.corrupt(file: directory, reason: "\(error)"))
        }
        if report.uniquePapers == 0 && report.totalSkipped > 0 {
            throw .failed(.corpus(.nothingReadable(report)))
        }
        let summary: IndexSummary
        do {
            summary = try writer.commit(papersRead: report.papersRead, duplicatesMerged: report.duplicatesMerged,
                                        skipped: report.totalSkipped)
            committed = true
        } catch { throw .failed(error) }
        progress?(IndexProgress(papersIndexed: summary.documentCount, papersPlanned: summary.documentCount,
                                fractionRead: 1, seconds: summary.seconds))
        return (summary, report)
    }
}

/// The number of processors the build may use.
public enum ProcessorInfo {
    public static var activeProcessorCount: Int { SystemCalls.processorCount }
}

