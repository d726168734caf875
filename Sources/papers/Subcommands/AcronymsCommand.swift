import PaperSearch

/// `papers acronyms`: the acronyms the index learned from the papers that define them.
enum AcronymsCommand: Command {
    static let name = "acronyms"
    static let takesArguments = true
    static let usage = "[SHORT-FORM] [--all] [--index DIR] [--json]"
    static let abstract = "List the acronyms the papers define, which searches expand."
    static let discussion = """
        While indexing, every "long form (SHORT FORM)" a title or abstract writes is recorded, such as
        "binary neural networks (BNNs)". A pair defined by at least \(LearnedAcronym.minimumPapers) papers, and by at least
        \(Int(LearnedAcronym.minimumShare * 100))% of the papers that define its short form, is trusted: a search for BNN also finds
        "binary neural networks" (ranked a little below BNN itself), and a search for the long form also
        finds BNN. =BNN searches the word alone. Without SHORT-FORM every trusted pair is listed, the most
        defined first; --all adds the others.

        EXAMPLES:
          papers acronyms
          papers acronyms BNN
          papers acronyms --all --json --index ~/arxiv-index
        """
    static let options: [OptionSpec] = [
        .flag("--all", help: "Also list pairs too rare to be trusted."),
        .option("--index", value: "DIR", help: "Where the index lives."),
        .flag("--json", help: "Print the pairs as JSON."),
    ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        guard arguments.positionals.count <= 1 else { throw UsageError("give at most one short form") }
        let index = try IndexAccess.open(arguments, context)
        let shortForm = arguments.positionals.first
        let all = try index.learnedAcronyms(shortForm: shortForm)
        let shown = arguments.has("--all") || shortForm != nil ? all : all.filter(\.trusted)
        if arguments.has("--json") {
            var writer = JSONWriter()
            writer.write(.array(shown.map { acronym in
                .object(JSONObject([("shortForm", .string(acronym.shortForm)), ("longForm", .string(acronym.longForm)),
                                    ("papers", .integer(acronym.papers)), ("trusted", .bool(acronym.trusted))]))
            }))
            context.output.write(bytes: writer.bytes)
            context.output.line()
            return .success
        }
        if shown.isEmpty {
            context.output.line(shortForm.map { "No paper defines \($0)." } ?? "No acronym is defined by enough papers to be trusted (--all lists every one).")
            return .success
        }
        let width = min(14, max(6, shown.map(\.shortForm.count).max() ?? 0) + 2)
        context.output.line("short".padding(to: width) + "papers".padding(to: 8) + "long form")
        for acronym in shown {
            context.output.line(acronym.shortForm.padding(to: width) + String(acronym.papers).padding(to: 8) + acronym.longForm
                + (acronym.trusted ? "" : "  (not trusted)"))
        }
        let trusted = shown.filter(\.trusted).count
        context.output.line("\(shown.count) pair\(shown.count == 1 ? "" : "s"), \(trusted) trusted.")
        return .success
    }
}
