/// The directory of an index: which folders are ours, what in them we may delete, and the commit protocol.
///
///     <index>/PAPERSEARCH-INDEX           the marker: this folder is a PaperSearch index (written before anything else)
///     <index>/LOCK                        held (flock) while a build or an update runs
///     <index>/CURRENT                     the name of the live commit, e.g. "commit-000009\n"
///     <index>/commit-000009.json          a commit: the segments, their deletions, the sources (`Commit`)
///     <index>/seg-000004/                 one complete, immutable segment (see `IndexFormat`)
///     <index>/seg-000004-del-000009.psx   papers deleted from segment 4 as of write 9 (`DeletionsFile`)
///     <index>/src-000009-0.psi            the ids one corpus file gave (`SourceIDs`)
///     <index>/tmp-5-4321/                 a segment being written: number 5, process 4321
///
/// An index of an older PaperSearch has `CURRENT` naming one folder `gen-000004/`: it reads as a commit of
/// that one segment.
///
/// **Ownership.** A build writes into a missing or empty folder (and marks it), into a folder that holds the
/// marker, or into an index of an older PaperSearch (a `CURRENT` naming a generation whose manifest says
/// "PaperSearch index"), which it marks. Any other folder is refused, so `--index ~/Documents` cannot touch a
/// user's files. Deletions touch only names this code writes: in a segment or build folder, only the
/// index files, the manifest and sorted runs, then the folder itself with `rmdir`, which fails (and is left
/// alone) if anything else was put there. Nothing is ever removed recursively.
///
/// **Commit protocol.** A writer writes each new segment into `tmp-<N>-<pid>/`, syncs every file, writes and
/// syncs the manifest, renames the folder to `seg-<N>` and syncs the index folder; it writes and syncs the
/// deletion and source files, then the commit file; then it writes `CURRENT.tmp` (holding the commit's
/// name), syncs it and renames it over `CURRENT` — the moment of publication — and syncs the folder again.
/// Only then are the files no commit but the live one needs deleted. (rename(2) cannot replace a non-empty
/// directory, hence the pointer file.) So at every instant `CURRENT` names a complete commit: a crash or
/// `kill -9` during a build or an update leaves the previous index searchable, and the next writer removes
/// the leftovers. Searches that opened an older commit keep reading it through their mappings even after
/// its files are unlinked.
///
/// **Numbers.** Segment, commit and file numbers share one counter; they have at least six digits and as
/// many as they need; a writer takes one more than the highest present, so they never repeat while an
/// index lives and never run out.
struct IndexDirectory: Sendable {
    let root: String

    static let markerName = "PAPERSEARCH-INDEX"
    static let pointerName = "CURRENT"
    static let lockName = "LOCK"
    static let markerText = """
        This folder is a PaperSearch index, written and managed by 'papers index'.
        Files put here by anything else are never read, and may block a rebuild; keep them elsewhere.

        """

    /// The names a segment or build folder may hold, all written by the index writer: the only files ever
    /// deleted from them.
    static func isWrittenByIndexer(_ name: String) -> Bool {
        if name == Manifest.fileName || IndexComponent(rawValue: name) != nil { return true }
        // Sorted runs: run-<n>.tmp.
        guard name.hasPrefix("run-"), name.hasSuffix(".tmp") else { return false }
        let number = name.dropFirst(4).dropLast(4)
        return !number.isEmpty && number.allSatisfy(\.isASCIIDigit)
    }

    func path(_ name: String) -> String { root.hasSuffix("/") ? root + name : root + "/" + name }

    /// What `CURRENT` names: a commit, or (an index of an older PaperSearch) one generation folder.
    enum Pointer: Equatable, Sendable {
        case commit(String)
        case generation(String)

        var name: String {
            switch self {
            case let .commit(name), let .generation(name): return name
            }
        }
    }

    /// What `CURRENT` names, or nil when there is no index.
    func current() throws(IndexError) -> Pointer? {
        let pointer = path(IndexDirectory.pointerName)
        guard SystemCalls.exists(pointer) else { return nil }
        let bytes: [UInt8]
        do { bytes = try FileByteSource.readAll(path: pointer, limit: 4096) } catch { throw .io(error) }
        let name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: "\n")
        if IndexDirectory.number(name, prefix: "commit-") != nil { return .commit(name) }
        if IndexDirectory.number(name, prefix: "gen-") != nil { return .generation(name) }
        throw .corrupt(file: pointer, reason: "does not name a commit (found \"\(name.prefix(40))\")")
    }

    /// "<prefix>000012" -> 12 (at least six digits); nil for any other name.
    private static func number(_ name: some StringProtocol, prefix: String) -> Int? {
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard digits.count >= 6, digits.count <= 18, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }

    /// 12 -> "<prefix>000012": at least six digits, more when needed.
    private static func name(_ prefix: String, _ number: Int) -> String {
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A segment folder's number: "seg-000012" (or an older PaperSearch's "gen-000012") -> 12.
    static func segmentNumber(_ name: String) -> Int? { number(name, prefix: "seg-") ?? number(name, prefix: "gen-") }
    static func segmentName(_ number: Int) -> String { name("seg-", number) }

    /// "commit-000012" -> 12.
    static func commitNumber(_ name: String) -> Int? { number(name, prefix: "commit-") }
    static func commitName(_ number: Int) -> String { name("commit-", number) }
    /// The commit's file: "commit-000012.json".
    static func commitFileName(_ commit: String) -> String { commit + ".json" }

    /// "seg-000004-del-000009.psx" -> (segment "seg-000004", 9).
    static func deletionsNumber(_ name: String) -> (segment: String, number: Int)? {
        guard name.hasSuffix(".psx") else { return nil }
        let parts = name.dropLast(4).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[2] == "del" else { return nil }
        let segment = parts[0] + "-" + parts[1]
        guard segmentNumber(String(segment)) != nil, let number = number("del-" + parts[3], prefix: "del-") else { return nil }
        return (String(segment), number)
    }
    static func deletionsName(segment: String, _ number: Int) -> String { segment + name("-del-", number) + ".psx" }

    /// "src-000009-3.psi" -> 9.
    static func sourceIDsNumber(_ name: String) -> Int? {
        guard name.hasSuffix(".psi") else { return nil }
        let parts = name.dropLast(4).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "src", !parts[2].isEmpty, parts[2].count <= 9, parts[2].allSatisfy(\.isASCIIDigit) else { return nil }
        return number("src-" + parts[1], prefix: "src-")
    }
    static func sourceIDsName(_ number: Int, _ index: Int) -> String { name("src-", number) + "-\(index).psi" }

    /// "tmp-5-4321" -> 5 (a build folder: segment number and process id); nil for any other name.
    static func buildNumber(_ name: String) -> Int? {
        guard name.hasPrefix("tmp-") else { return nil }
        let parts = name.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 18 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        return Int(parts[0])
    }

    static func buildFolderName(_ number: Int, processID: Int32) -> String { "tmp-\(number)-\(processID)" }

    /// The number in any name this code writes in the index folder (nil for others).
    static func writtenNumber(_ name: String) -> Int? {
        if let number = segmentNumber(name) ?? buildNumber(name) ?? sourceIDsNumber(name) { return number }
        if let number = deletionsNumber(name)?.number { return number }
        if name.hasSuffix(".json"), let number = commitNumber(String(name.dropLast(5))) { return number }
        return nil
    }

    // MARK: - Ownership

    /// What preparing the folder for a build did, so that a failed first build can undo it.
    struct Preparation {
        let lock: FileLock
        /// Folders this build created, outermost first (the index folder and missing parents).
        let createdFolders: [String]
        /// Whether this build wrote the marker.
        let wroteMarker: Bool
    }

    /// Makes sure the folder is ours (creating and marking it if it is missing or empty), then takes the build
    /// lock. Refuses any other folder, naming what it found.
    func prepareForBuilding() throws(IndexError) -> Preparation {
        var created: [String] = []
        do {
            switch try SystemCalls.kind(root) {
            case nil:
                created = try SystemCalls.makeDirectories(root)
            case .directory?:
                break
            case .other?:
                throw IndexError.notAnIndexFolder(path: root, reason: "it is a file, not a folder")
            }
            var wroteMarker = false
            if !SystemCalls.exists(path(IndexDirectory.markerName)) {
                let names = try SystemCalls.directoryEntries(root)
                if !names.isEmpty && !isIndexOfAnOlderPaperSearch(names) {
                    let shown = names.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 3 ? ", ..." : "")
                    throw IndexError.notAnIndexFolder(
                        path: root, reason: "it holds other files (\(shown)); give an empty or new folder")
                }
                try SystemCalls.writeFile(path(IndexDirectory.markerName), Array(IndexDirectory.markerText.utf8))
                wroteMarker = true
            }
            guard let lock = try FileLock(path: path(IndexDirectory.lockName)) else { throw IndexError.locked(path: root) }
            return Preparation(lock: lock, createdFolders: created, wroteMarker: wroteMarker)
        } catch let error as IndexError {
            undoPreparation(createdFolders: created, wroteMarker: false)
            throw error
        } catch let error as StorageError {
            undoPreparation(createdFolders: created, wroteMarker: false)
            throw .io(error)
        } catch {
            undoPreparation(createdFolders: created, wroteMarker: false)
            throw .corrupt(file: root, reason: "\(error)")
        }
    }

    /// After a build that published nothing: removes the marker and lock it wrote and the folders it created,
    /// if nothing else is in them, so that a failed first build leaves no trace.
    func undoPreparation(_ preparation: Preparation) {
        undoPreparation(createdFolders: preparation.createdFolders, wroteMarker: preparation.wroteMarker)
    }

    private func undoPreparation(createdFolders: [String], wroteMarker: Bool) {
        guard wroteMarker || !createdFolders.isEmpty else { return }
        // Only a folder this build made its index (or created) loses its lock file.
        try? SystemCalls.removeFile(path(IndexDirectory.lockName))
        if wroteMarker { try? SystemCalls.removeFile(path(IndexDirectory.markerName)) }
        for folder in createdFolders.reversed() { try? SystemCalls.removeEmptyDirectory(folder) }
    }

    /// An index written before the marker existed: only our names, and `CURRENT` naming a generation with
    /// our manifest.
    private func isIndexOfAnOlderPaperSearch(_ names: [String]) -> Bool {
        let ours = names.allSatisfy { name in
            name == IndexDirectory.pointerName || name == IndexDirectory.lockName || name == IndexDirectory.pointerName + ".tmp"
                || IndexDirectory.segmentNumber(name) != nil || IndexDirectory.buildNumber(name) != nil
        }
        guard ours, case let .generation(generation)? = try? current(),
              let manifest = try? FileByteSource.readAll(path: path(generation) + "/" + Manifest.fileName, limit: 1 << 20)
        else { return false }
        return String(decoding: manifest.prefix(200), as: UTF8.self).contains("\"PaperSearch index\"")
    }

    // MARK: - Commits

    /// The next number for a segment, commit or file: one more than any present (or, if someone made that
    /// impossible, the smallest number not in use).
    func nextNumber() throws(IndexError) -> Int {
        let names: [String]
        do { names = try SystemCalls.directoryEntries(root) } catch { throw .io(error) }
        var used = Set<Int>()
        for name in names { if let number = IndexDirectory.writtenNumber(name) { used.insert(number) } }
        let highest = used.max() ?? 0
        if highest < 999_999_999_999_999 { return highest + 1 }
        return (1...).first { !used.contains($0) } ?? 1
    }

    /// Makes the commit `name` (its file and everything it names complete and synced) the live one.
    func publish(_ name: String) throws(IndexError) {
        let temporary = path(IndexDirectory.pointerName + ".tmp")
        do {
            try SystemCalls.writeFile(temporary, Array((name + "\n").utf8))
            try SystemCalls.rename(temporary, path(IndexDirectory.pointerName))
            try SystemCalls.syncDirectory(root)
        } catch {
            try? SystemCalls.removeFile(temporary)
            throw .io(error)
        }
    }

    /// Removes what no commit but `keep` needs — other commits, segments, deletion and source files, the
    /// build folders of writers that did not finish, a left-over `CURRENT.tmp` — keeping the names in `keep`
    /// (nil: with a damaged `CURRENT`, keep every segment and commit until a writer publishes). Call with the
    /// lock held.
    func removeStale(keeping keep: Set<String>?) {
        guard let names = try? SystemCalls.directoryEntries(root) else { return }
        for name in names {
            if IndexDirectory.buildNumber(name) != nil {
                removeFolder(path(name))
                continue
            }
            if name == IndexDirectory.pointerName + ".tmp" {
                try? SystemCalls.removeFile(path(name))
                continue
            }
            guard let keep, !keep.contains(name) else { continue }
            if IndexDirectory.segmentNumber(name) != nil {
                removeFolder(path(name))
            } else if IndexDirectory.writtenNumber(name) != nil {
                try? SystemCalls.removeFile(path(name))
            }
        }
    }

    /// Removes the files the indexer writes from a segment or build folder, then the folder if it is
    /// empty. Anything else in it stays, and so does the folder.
    func removeFolder(_ folder: String) {
        guard let names = try? SystemCalls.directoryEntries(folder) else { return }
        for name in names where IndexDirectory.isWrittenByIndexer(name) {
            try? SystemCalls.removeFile(folder + "/" + name)
        }
        try? SystemCalls.removeEmptyDirectory(folder)
    }
}

extension Character {
    /// 0-9 only (not other scripts' digits).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
