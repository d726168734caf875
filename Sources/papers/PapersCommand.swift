import Glibc
import PaperSearch

/// `papers`: the command-line tool of PaperSearch.
@main
enum PapersCommand {
    static let commands: [any Command.Type] = [
        CorpusCommand.self,
        AnalyzeCommand.self,
        IndexCommand.self,
        AddCommand.self,
        RemoveCommand.self,
        OptimizeCommand.self,
        StatsCommand.self,
        VerifyCommand.self,
        SearchCommand.self,
        SimilarCommand.self,
        AcronymsCommand.self,
        ShowCommand.self,
        EvalCommand.self,
        BenchCommand.self,
        ServeCommand.self,
    ]

    static let overview = """
        papers: full-text search over scientific paper abstracts.

        USAGE: papers <command> [options]
               papers --version

        COMMANDS:
        \(commands.map { "  " + $0.name.padding(to: 10) + $0.abstract }.joined(separator: "\n"))

        Every command takes --color auto|always|never (bold matches on a terminal; NO_COLOR turns it off).

        EXAMPLES:
          papers search "binary neural networks"          # the bundled corpus, indexed on first use
          papers index my-papers.jsonl --index ~/my-index
          papers search 'title:transformer +year:>=2023' --index ~/my-index

        Run 'papers <command> --help' for a command's options and examples.
        """

    static func main() {
        let code = run(Array(CommandLine.arguments.dropFirst()), context: CommandContext(
            output: .standardOutput, errors: .standardError, environment: environmentVariables()))
        OutputStream.standardOutput.flush()
        OutputStream.standardError.flush()
        exit(code.rawValue)
    }

    /// Runs one command line (without the program name) and returns the exit code.
    static func run(_ arguments: [String], context: CommandContext) -> ExitCode {
        var context = context
        var arguments = arguments
        do {
            context.applyColor(try takeColorChoice(&arguments))
        } catch {
            context.errors.line("error: \(error.message)")
            return .usage
        }
        guard let name = arguments.first else {
            context.errors.line(overview)
            return .usage
        }
        if name == "--help" || name == "-h" || name == "help" {
            context.output.line(overview)
            return .success
        }
        if name == "--version" || name == "version" {
            context.output.line("papers \(PaperSearchVersion.release) (index format \(PaperSearchVersion.indexFormat))")
            return .success
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            context.errors.line("error: unknown command '\(name)'")
            context.errors.line("Run 'papers --help' for the list of commands.")
            return .usage
        }
        do {
            let parsed = try ArgumentParser.parse(Array(arguments.dropFirst()), options: command.options,
                                                  command: "papers \(name)")
            if parsed.wantsHelp {
                context.output.line(command.help)
                return .success
            }
            if !command.takesArguments, let first = parsed.positionals.first {
                throw UsageError("'papers \(name)' takes only options; '\(first)' is not one")
            }
            return try command.run(parsed, context)
        } catch let error as UsageError {
            context.errors.line("error: \(error.message)")
            context.errors.line("USAGE: papers \(name) \(command.usage)")
            context.errors.line("Run 'papers \(name) --help' for more.")
            return .usage
        } catch {
            context.errors.line("error: \(error)")
            return .failure
        }
    }

    /// Removes `--color WHEN` (or `--color=WHEN`) from the options, wherever it stands before `--`.
    static func takeColorChoice(_ arguments: inout [String]) throws(UsageError) -> CommandContext.ColorChoice {
        var choice = CommandContext.ColorChoice.auto
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            let argument = arguments[index]
            var value: String?
            if argument == "--color" {
                guard index + 1 < arguments.count else { throw UsageError("--color needs a value (auto, always or never)") }
                value = arguments[index + 1]
                arguments.removeSubrange(index...(index + 1))
            } else if argument.hasPrefix("--color=") {
                value = String(argument.dropFirst("--color=".count))
                arguments.remove(at: index)
            } else {
                index += 1
                continue
            }
            guard let text = value, let parsed = CommandContext.ColorChoice(rawValue: text) else {
                throw UsageError("--color takes auto, always or never, not '\(value ?? "")'")
            }
            choice = parsed
        }
        return choice
    }

    private static func environmentVariables() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = unsafe environ
        while let entry = unsafe pointer.pointee {
            let text = unsafe String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            unsafe pointer += 1
        }
        return result
    }
}
