import Glibc
import PaperSearch

/// `papers`: the command-line tool of PaperSearch.
@main
enum PapersCommand {
    static let commands: [any Command.Type] = [
        CorpusCommand.self,
        AnalyzeCommand.self,
        IndexCommand.self,
        StatsCommand.self,
        VerifyCommand.self,
        SearchCommand.self,
        SimilarCommand.self,
        ShowCommand.self,
        EvalCommand.self,
        BenchCommand.self,
    ]

    static let overview = """
        papers: full-text search over scientific paper abstracts.

        USAGE: papers <command> [options]

        COMMANDS:
        \(commands.map { "  " + $0.name.padding(to: 10) + $0.abstract }.joined(separator: "\n"))

        Run 'papers <command> --help' for a command's options.
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
        guard let name = arguments.first else {
            context.errors.line(overview)
            return .usage
        }
        if name == "--help" || name == "-h" || name == "help" {
            context.output.line(overview)
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
