import PaperSearch
import PaperSearchEvaluation

/// `papers analyze`: what the analyzer makes of a text, or a stemmer applied to a word list.
enum AnalyzeCommand: Command {
    static let name = "analyze"
    static let takesArguments = true
    static let usage = "[TEXT | -] [--stemmer english|porter|none] [--json] | --stem [--stemmer english|porter]"
    static let abstract = "Show how a text is tokenized, which words are dropped, and what each term stems to."
    static let discussion = """
        Without TEXT (or with -) the text is read from standard input. Each token is listed with its position,
        its folded form and the term that is indexed, or why it was dropped. British spellings are indexed as
        American ones (quantisation as quantization, colour as color), and the listing says so.
        With --stem, standard input is read as one word a line and one stem a line is written, nothing else,
        so that a stemmer can be checked against a vocabulary from the shell.

        EXAMPLES:
          papers analyze "Pre-training of Deep Bidirectional Transformers"
          papers analyze --stemmer porter --json "generalization"
          papers analyze "quantisation of colour images, analysed"
          papers analyze --stem < voc.txt | diff - output.txt
        """
    static let options: [OptionSpec] = [
        .option("--stemmer", value: "NAME", help: "english (Snowball Porter2, the default), porter (Porter 1980), or none."),
        .flag("--stem", help: "Stem one word a line from standard input."),
        .flag("--json", help: "Print the tokens as JSON."),
    ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let stemmerName = arguments.value("--stemmer") ?? "english"
        guard let stemmer = Analyzer.Stemmer(rawValue: stemmerName) else {
            throw UsageError("--stemmer takes english, porter or none, not '\(stemmerName)'")
        }
        if arguments.has("--stem") {
            guard arguments.positionals.isEmpty else { throw UsageError("--stem reads words from standard input; give no TEXT") }
            stemLines(try OutputStream.readStandardInput(limit: 64 << 20), stemmer: stemmer, to: context.output)
            return .success
        }
        let text: String
        if arguments.positionals.isEmpty || arguments.positionals == ["-"] {
            text = String(decoding: try OutputStream.readStandardInput(limit: InputLimits.textBytes), as: UTF8.self)
        } else {
            text = arguments.positionals.joined(separator: " ")
        }
        let tokens = Analyzer(stemmer: stemmer).tokens(text)
        if arguments.has("--json") {
            var writer = JSONWriter()
            writer.write(.array(tokens.map { token in
                .object(JSONObject([
                    ("text", .string(token.text)), ("folded", .string(token.folded)), ("kind", .string(token.kind.rawValue)),
                    ("position", .integer(token.position)), ("term", token.indexedTerm.map { .string($0) } ?? .null),
                    ("americanSpelling", token.americanSpelling.map { .string($0) } ?? .null),
                    ("dropped", token.droppedBecause.map { .string($0) } ?? .null),
                    ("start", .integer(token.utf8Range.lowerBound)), ("end", .integer(token.utf8Range.upperBound)),
                ]))
            }))
            context.output.write(bytes: writer.bytes)
            context.output.line()
            return .success
        }
        let width = min(30, max(5, tokens.map(\.text.count).max() ?? 0))
        context.output.line("pos".padding(to: 5) + "token".padding(to: width) + "kind".padding(to: 8) + "term")
        for token in tokens {
            var term = token.indexedTerm ?? "(dropped: \(token.droppedBecause ?? "?"))"
            if let spelling = token.americanSpelling { term += "  (spelled \(spelling))" }
            context.output.line(String(token.position).padding(to: 5) + token.text.padding(to: width)
                + token.kind.rawValue.padding(to: 8) + term)
        }
        let kept = tokens.filter { $0.indexedTerm != nil }.count
        context.output.line("\(tokens.count) tokens, \(kept) indexed, \(tokens.count - kept) dropped; analyzer \(Analyzer(stemmer: stemmer).name).")
        return .success
    }

    /// One stem a line; lines are lowercased (ASCII) first, as the analyzer would.
    private static func stemLines(_ input: [UInt8], stemmer: Analyzer.Stemmer, to output: OutputStream) {
        var word: [UInt8] = []
        var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        for line in lines {
            word.removeAll(keepingCapacity: true)
            for byte in line where byte != 0x0D { word.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
            switch stemmer {
            case .english: EnglishStemmer.stem(&word)
            case .porter: PorterStemmer.stem(&word)
            case .none: break
            }
            out.append(contentsOf: word)
            out.append(0x0A)
        }
        output.write(bytes: out)
    }
}
