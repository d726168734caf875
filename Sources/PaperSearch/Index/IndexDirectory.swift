/// The directory of an index and its commit protocol.
///
/// A build writes a complete generation into `tmp-<N>-<pid>/`, syncs every file, writes and syncs the
/// manifest, renames the directory to `gen-<N>` and syncs the index directory; then it writes `CURRENT.tmp`
/// (holding "gen-<N>"), syncs it and renames it over `CURRENT` — the moment of publication — and syncs the
/// directory again. Only then are older generations deleted. (rename(2) cannot replace a non-empty
/// directory, hence the pointer file.)
///
/// So at every instant `CURRENT` names a complete generation: a crash or `kill -9` during a build leaves the
/// previous index searchable, and the next build removes the leftovers. Searches that opened the old
/// generation keep reading it through their mappings even after its files are unlinked.
struct IndexDirectory: Sendable {
    let root: String

    static let pointerName = "CURRENT"
    static let lockName = "LOCK"

    func path(_ name: String) -> String { root.hasSuffix("/") ? root + name : root + "/" + name }

    /// The live generation's directory name, or nil when there is no index.
    func currentGeneration() throws(IndexError) -> String? {
        let pointer = path(IndexDirectory.pointerName)
        guard SystemCalls.exists(pointer) else { return nil }
        let bytes: [UInt8]
        do { bytes = try FileByteSource.readAll(path: pointer) } catch { throw .io(error) }
        let name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: "\n")
        guard IndexDirectory.generationNumber(name) != nil else {
            throw .corrupt(file: pointer, reason: "does not name a generation (found \"\(name.prefix(40))\")")
        }
        return name
    }

    /// "gen-000012" -> 12.
    static func generationNumber(_ name: String) -> Int? {
        guard name.hasPrefix("gen-"), name.count == 10 else { return nil }
        return Int(name.dropFirst(4))
    }

    static func generationName(_ number: Int) -> String {
        let digits = String(number)
        return "gen-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Creates the index directory if needed and takes the build lock.
    func lockForBuilding() throws(IndexError) -> FileLock {
        do {
            try SystemCalls.makeDirectory(root)
            guard let lock = try FileLock(path: path(IndexDirectory.lockName)) else { throw IndexError.locked(path: root) }
            return lock
        } catch let error as StorageError {
            throw .io(error)
        } catch let error as IndexError {
            throw error
        } catch {
            throw .corrupt(file: root, reason: "\(error)")
        }
    }

    /// The number for the next generation: one more than any generation or leftover present.
    func nextGenerationNumber() throws(IndexError) -> Int {
        let names: [String]
        do { names = try SystemCalls.directoryEntries(root) } catch { throw .io(error) }
        var highest = 0
        for name in names {
            if let number = IndexDirectory.generationNumber(name) { highest = max(highest, number) }
            if name.hasPrefix("tmp-"), let number = Int(name.dropFirst(4).prefix { $0 != "-" }) { highest = max(highest, number) }
        }
        return highest + 1
    }

    /// Makes `generation` (already complete and synced under `gen-N`) the live one.
    func publish(_ generation: String) throws(IndexError) {
        let temporary = path(IndexDirectory.pointerName + ".tmp")
        do {
            try SystemCalls.writeFile(temporary, Array((generation + "\n").utf8))
            try SystemCalls.rename(temporary, path(IndexDirectory.pointerName))
            try SystemCalls.syncDirectory(root)
        } catch { throw .io(error) }
    }

    /// Removes every generation but `keep`, and the leftovers of builds that did not finish.
    /// Call with the build lock held.
    func removeStale(keeping keep: String?, except building: String? = nil) {
        guard let names = try? SystemCalls.directoryEntries(root) else { return }
        for name in names where name != keep && name != building {
            if IndexDirectory.generationNumber(name) != nil || name.hasPrefix("tmp-") || name == IndexDirectory.pointerName + ".tmp" {
                try? SystemCalls.removeTree(path(name))
            }
        }
    }
}
