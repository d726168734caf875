import Glibc

/// Points in a build where tests make the process fail or die, to show that every failure and every crash
/// leaves the previous index as it was and the next build cleans up.
///
/// The environment variable `PAPERSEARCH_FAULT` names one point: `fail:POINT` makes the build throw there as
/// an I/O error would, `kill:POINT` makes the process kill itself with SIGKILL there (what `kill -9` or a
/// power cut does). It is read once; when it is unset, as in normal use, a point costs one comparison.
enum FaultInjection {
    enum Point: String, CaseIterable, Sendable {
        /// Papers have been added: a build folder holds a half-written record store.
        case adding
        /// Every file of a new segment is written, the manifest not yet.
        case filesWritten = "files-written"
        /// A segment folder has its final name; `CURRENT` still names the old commit.
        case generationRenamed = "generation-renamed"
        /// The new segment is renamed and the deletion files are written; no merge has started.
        case deletionsWritten = "deletions-written"
        /// A merge has read one segment's papers.
        case merging
        /// The commit file is written; `CURRENT` still names the old commit.
        case commitWritten = "commit-written"
        /// `CURRENT` names the new commit; files only older ones need are not yet removed.
        case published
    }

    enum Action: String, Sendable { case fail, kill }

    private static let configured: (Action, Point)? = {
        guard let raw = unsafe getenv("PAPERSEARCH_FAULT") else { return nil }
        let text = unsafe String(cString: raw)
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let action = Action(rawValue: parts[0]), let point = Point(rawValue: parts[1]) else { return nil }
        return (action, point)
    }()

    /// Fails or dies here if the environment asks for it.
    static func check(_ point: Point, path: String) throws(StorageError) {
        guard let (action, wanted) = configured, wanted == point else { return }
        switch action {
        case .fail: throw .io(operation: "continue (injected fault at \(point.rawValue))", path: path, errno: Errno(rawValue: EIO))
        case .kill: _ = Glibc.kill(getpid(), SIGKILL)
        }
    }
}
