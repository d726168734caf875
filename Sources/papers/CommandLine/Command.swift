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
    /// Whether the command takes arguments besides its options (paths, ids, a query); one that does not
    /// turns them down as a usage error instead of ignoring them.
    static var takesArguments: Bool { get }
    /// Runs the command; usage mistakes throw `UsageError`, other failures any error.
    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode
}

extension Command {
    static var discussion: String { "" }
    static var takesArguments: Bool { false }

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
    /// Whether standard output gets terminal styling (bold titles and matched words): `--color always`, or
    /// `auto` (the default) on a terminal unless NO_COLOR is set; never with `--color never`.
    var styled = false

    /// When to style output (`--color`).
    enum ColorChoice: String { case auto, always, never }

    /// Decides `styled` from the choice, the environment and standard output.
    mutating func applyColor(_ choice: ColorChoice) {
        switch choice {
        case .always: styled = true
        case .never: styled = false
        case .auto: styled = output.isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        }
    }

    /// How matched words are marked: bold when styled, not at all in plain text.
    var highlight: (open: String, close: String) { styled ? ("\u{1B}[1m", "\u{1B}[0m") : ("", "") }

    /// Prints a warning line to standard error.
    func warn(_ message: String) { errors.line("warning: \(message)") }
}

extension String {
    /// The text padded with spaces to `width` columns (or followed by two spaces when it is longer).
    func padding(to width: Int) -> String {
        count >= width ? self + "  " : self + String(repeating: " ", count: width - count)
    }
}

extension CommandContext {
    /// The default index directory, in the working directory (git-ignored).
    static let defaultIndexDirectory = ".papers-index"

    /// Where the index lives: `--index DIR`, else `$PAPERS_INDEX`, else `.papers-index`.
    func indexDirectory(_ arguments: ParsedArguments) -> String {
        arguments.value("--index") ?? environment["PAPERS_INDEX"].flatMap { $0.isEmpty ? nil : $0 }
            ?? CommandContext.defaultIndexDirectory
    }
}

/// Number formatting for people.
enum Format {
    /// 1234567 -> "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// 1536 -> "1.5 KiB".
    static func bytes(_ value: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) bytes" : decimal(amount, places: 1) + " " + units[unit]
    }

    /// A number with `places` decimals.
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < places { text += String(repeating: "0", count: places - decimals) }
            if places == 0 { text = String(text[..<dot]) }
        } else if places > 0 {
            text += "." + String(repeating: "0", count: places)
        }
        return text
    }
}
