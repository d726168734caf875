/// The command-line parser of `papers`: small, strict and tested. Options are `--name value`, `--name=value`,
/// `-k value` or `-k10`; flags take no value; `--` ends the options; a lone `-` is a positional argument
/// (standard input). Anything unknown is a usage error, which exits with 64 (EX_USAGE).

/// A mistake in how a command was called.
struct UsageError: Error, Equatable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Exit codes of `papers`.
enum ExitCode: Int32 {
    case success = 0
    case failure = 1
    /// EX_USAGE from sysexits.h: the command was called wrongly.
    case usage = 64
}

/// An option or flag a command accepts.
struct OptionSpec: Equatable {
    /// Every spelling, long first: `["--limit", "-k"]`.
    var names: [String]
    /// The placeholder in help, e.g. "N"; nil for a flag.
    var valueName: String?
    var help: String
    /// Hidden options work but are not listed in help.
    var isHidden = false

    static func flag(_ names: String..., help: String, hidden: Bool = false) -> OptionSpec {
        OptionSpec(names: names, valueName: nil, help: help, isHidden: hidden)
    }

    static func option(_ names: String..., value: String, help: String, hidden: Bool = false) -> OptionSpec {
        OptionSpec(names: names, valueName: value, help: help, isHidden: hidden)
    }

    var primaryName: String { names[0] }
}

/// The arguments of one command, parsed against its options.
struct ParsedArguments: Equatable {
    var positionals: [String] = []
    /// Values by primary option name, in the order given (an option given twice has two values).
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var wantsHelp = false

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The last value given for an option.
    func value(_ name: String) -> String? { values[name]?.last }

    func allValues(_ name: String) -> [String] { values[name] ?? [] }

    /// An integer option within `range`, or `defaultValue` when absent.
    func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int> = 0...Int.max)
        throws(UsageError) -> Int
    {
        guard let text = value(name) else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw UsageError("\(name) takes a whole number \(bounds), not '\(text)'")
        }
        return number
    }

    /// A number option within `range`, or `defaultValue` when absent.
    func double(_ name: String, default defaultValue: Double, range: ClosedRange<Double>) throws(UsageError) -> Double {
        guard let text = value(name) else { return defaultValue }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw UsageError("\(name) takes a number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }
}

enum ArgumentParser {
    /// Parses `arguments` (without the command names) for `command`.
    static func parse(_ arguments: [String], options: [OptionSpec], command: String) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        var index = 0
        var optionsEnded = false
        func spec(named name: String, argument: String) throws(UsageError) -> OptionSpec {
            guard let found = options.first(where: { $0.names.contains(name) }) else {
                throw UsageError("unknown option '\(argument)' for '\(command)' (if it is text, not an option, put '--' before it: \(command) -- '\(argument)')")
            }
            return found
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            // Text with white space is never an option: `papers search '-classical quantum'` is a query.
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") || isNegativeNumber(argument)
                || argument.contains(where: \.isWhitespace) {
                result.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "--help" || argument == "-h" {
                result.wantsHelp = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            } else if !argument.hasPrefix("--"), argument.count > 2,
                      options.contains(where: { $0.names.contains(String(argument.prefix(2))) && $0.valueName != nil }) {
                // -k10
                name = String(argument.prefix(2))
                inlineValue = String(argument.dropFirst(2))
            }
            let option = try spec(named: name, argument: inlineValue == nil ? argument : name)
            if option.valueName == nil {
                if inlineValue != nil { throw UsageError("\(name) takes no value") }
                result.flags.insert(option.primaryName)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else {
                    throw UsageError("\(name) needs a value (\(option.valueName ?? "value"))")
                }
                value = arguments[index]
                index += 1
            }
            result.values[option.primaryName, default: []].append(value)
        }
        return result
    }

    private static func isNegativeNumber(_ text: String) -> Bool {
        text.count > 1 && text.hasPrefix("-") && Double(text.dropFirst()) != nil
    }

    /// The help text of a command: usage line, description, and the options table.
    static func help(command: String, usage: String, abstract: String, discussion: String = "", options: [OptionSpec]) -> String {
        var lines = ["USAGE: \(command) \(usage)", "", abstract]
        if !discussion.isEmpty { lines += ["", discussion] }
        let visible = options.filter { !$0.isHidden } + [.flag("-h", "--help", help: "Show this help.")]
        lines += ["", "OPTIONS:"]
        let labels = visible.map { option in
            option.names.joined(separator: ", ") + (option.valueName.map { " \($0)" } ?? "")
        }
        let width = min((labels.map(\.count).max() ?? 0) + 2, 28)
        for (label, option) in zip(labels, visible) {
            if label.count + 2 > width {
                lines.append("  " + label)
                lines.append("  " + String(repeating: " ", count: width) + option.help)
            } else {
                lines.append("  " + label + String(repeating: " ", count: width - label.count) + option.help)
            }
        }
        return lines.joined(separator: "\n")
    }
}
