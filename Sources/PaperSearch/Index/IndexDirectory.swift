/// The directory of an index: which folders are ours, what in them we may delete, and the commit protocol.
///
///     <index>/PAPERSEARCH-INDEX   the marker: this folder is a PaperSearch index (written before anything else)
///     <index>/LOCK                held (flock) while a build runs
///     <index>/CURRENT             the name of the live generation, e.g. "gen-000004\n"
///     <index>/gen-000004/         one complete, immutable generation (see `IndexFormat`)
///     <index>/tmp-5-4321/         a build in progress: generation 5, process 4321
///
/// **Ownership.** A build writes into a missing or empty folder (and marks it), into a folder that holds the
/// marker, or into an index of an older PaperSearch (a `CURRENT` naming a generation whose manifest says
/// "PaperSearch index"), which it marks. Any other folder is refused, so `--index ~/Documents` cannot touch a
/// user's files. Deletions touch only names this code writes: in a generation or build folder, only the
/// index files, the manifest and sorted runs, then the folder itself with `rmdir`, which fails (and is left
/// alone) if anything else was put there. Nothing is ever removed recursively.
///
/// **Commit protocol.** A build writes a complete generation into `tmp-<N>-<pid>/`, syncs every file, writes
/// and syncs the manifest, renames the folder to `gen-<N>` and syncs the index folder; then it writes
/// `CURRENT.tmp` (holding "gen-<N>"), syncs it and renames it over `CURRENT` — the moment of publication —
/// and syncs the folder again. Only then are older generations deleted. (rename(2) cannot replace a
/// non-empty directory, hence the pointer file.) So at every instant `CURRENT` names a complete generation:
/// a crash or `kill -9` during a build leaves the previous index searchable, and the next build removes the
/// leftovers. Searches that opened the old generation keep reading it through their mappings even after its
/// files are unlinked.
///
/// **Numbers.** Generation numbers have at least six digits and as many as they need; a build takes one more
/// than the highest present, so they never repeat while an index lives and never run out.
struct IndexDirectory: Sendable {
    let root: String

    static let markerName = "PAPERSEARCH-INDEX"
    static let pointerName = "CURRENT"
    static let lockName = "LOCK"
    static let markerText = """
        This folder is a PaperSearch index, written and managed by 'papers index'.
        Files put here by anything else are never read, and may block a rebuild; keep them elsewhere.

        """

    /// The names a generation or build folder may hold, all written by the index writer: the only files
    /// ever deleted from them.
    static func isWrittenByIndexer(_ name: String) -> Bool {
        if name == Manifest.fileName || IndexComponent(rawValue: name) != nil { return true }
        // Sorted runs: run-<n>.tmp.
        guard name.hasPrefix("run-"), name.hasSuffix(".tmp") else { return false }
        let number = name.dropFirst(4).dropLast(4)
        return !number.isEmpty && number.allSatisfy(\.isASCIIDigit)
    }

    func path(_ name: String) -> String { root.hasSuffix("/") ? root + name : root + "/" + name }

    /// The live generation's folder name, or nil when there is no index.
    func currentGeneration() throws(IndexError) -> String? {
        let pointer = path(IndexDirectory.pointerName)
        guard SystemCalls.exists(pointer) else { return nil }
        let bytes: [UInt8]
        do { bytes = try FileByteSource.readAll(path: pointer, limit: 4096) } catch { throw .io(error) }
        let name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: "\n")
        guard IndexDirectory.generationNumber(name) != nil else {
            throw .corrupt(file: pointer, reason: "does not name a generation (found \"\(name.prefix(40))\")")
        }
        return name
    }

    /// "gen-000012" -> 12; nil for any other name.
    static func generationNumber(_ name: String) -> Int? {
        guard name.hasPrefix("gen-") else { return nil }
        let digits = name.dropFirst(4)
        guard digits.count >= 6, digits.count <= 18, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }

    /// 12 -> "gen-000012": at least six digits, more when needed.
    static func generationName(_ number: Int) -> String {
        let digits = String(number)
        return "gen-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// "tmp-5-4321" -> 5 (a build folder: generation number and process id); nil for any other name.
    static func buildNumber(_ name: String) -> Int? {
        guard name.hasPrefix("tmp-") else { return nil }
        let parts = name.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 18 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        return Int(parts[0])
    }

    static func buildFolderName(_ number: Int, processID: Int32) -> String { "tmp-\(number)-\(processID)" }

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
                || IndexDirectory.generationNumber(name) != nil || IndexDirectory.buildNumber(name) != nil
        }
        guard ours, let generation = try? currentGeneration(),
              let manifest = try? FileByteSource.readAll(path: path(generation) + "/" + Manifest.fileName, limit: 1 << 20)
        else { return false }
        return String(decoding: manifest.prefix(200), as: UTF8.self).contains("\"PaperSearch index\"")
    }

    // MARK: - Generations

    /// The number for the next generation: one more than any generation or build folder present (or, if
    /// someone made that impossible, the smallest number not in use).
    func nextGenerationNumber() throws(IndexError) -> Int {
        let names: [String]
        do { names = try SystemCalls.directoryEntries(root) } catch { throw .io(error) }
        var used = Set<Int>()
        for name in names {
            if let number = IndexDirectory.generationNumber(name) ?? IndexDirectory.buildNumber(name) { used.insert(number) }
        }
        let highest = used.max() ?? 0
        if highest < 999_999_999_999_999 { return highest + 1 }
        return (1...).first { !used.contains($0) } ?? 1
    }

    /// Makes `generation` (already complete and synced under `gen-N`) the live one.
    func publish(_ generation: String) throws(IndexError) {
        let temporary = path(IndexDirectory.pointerName + ".tmp")
        do {
            try SystemCalls.writeFile(temporary, Array((generation + "\n").utf8))
            try SystemCalls.rename(temporary, path(IndexDirectory.pointerName))
            try SystemCalls.syncDirectory(root)
        } catch {
            try? SystemCalls.removeFile(temporary)
            throw .io(error)
        }
    }

    /// Removes every generation but `keep` (none with `keepingGenerations`), the build folders of builds that
    /// did not finish and a left-over `CURRENT.tmp`. Call with the build lock held.
    func removeStale(keeping keep: String?, keepingGenerations: Bool = false) {
        guard let names = try? SystemCalls.directoryEntries(root) else { return }
        for name in names where name != keep {
            if (!keepingGenerations && IndexDirectory.generationNumber(name) != nil) || IndexDirectory.buildNumber(name) != nil {
                removeFolder(path(name))
            } else if name == IndexDirectory.pointerName + ".tmp" {
                try? SystemCalls.removeFile(path(name))
            }
        }
    }

    /// Removes the files the indexer writes from a generation or build folder, then the folder if it is
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
