import PaperSearch

/// One subcommand of `papers`: its name, help and options, and what it does.
protocol Command: SendableMetatype {
    static var name: String { get }
    /// The usage line after `papers <name>`, e.g. "[PATH ...] [--json]".
    static var usage: String { get }
    /// One sentence for the command list.
    static var abstract: String { get }
    /// More help, shown by `--help`.
    static var discussion: String { get }
    static var options: [OptionSpec] { get }
    /// Runs the command; usage mistakes throw `UsageError`, other failures any error.
    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode
}

extension Command {
    static var discussion: String { "" }

    static var help: String {
        ArgumentParser.help(command: "papers \(name)", usage: usage, abstract: abstract, discussion: discussion,
                            options: options)
    }
}

/// What a command needs from its surroundings; tests give their own.
struct CommandContext {
    var output: OutputStream
    var errors: OutputStream
    var environment: [String: String]

    /// Prints a warning line to standard error.
    func warn(_ message: String) { errors.line("warning: \(message)") }
}

extension String {
    /// The text padded with spaces to `width` columns (or followed by two spaces when it is longer).
    func padding(to width: Int) -> String {
        count >= width ? self + "  " : self + String(repeating: " ", count: width - count)
    }
}
