import Testing
@testable import papers

@Suite("Argument parser")
struct ArgumentParserTests {
    let options: [OptionSpec] = [
        .flag("--json", help: "JSON output."),
        .option("--limit", "-k", value: "N", help: "How many."),
        .option("--index", value: "DIR", help: "Where."),
    ]

    func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        try ArgumentParser.parse(arguments, options: options, command: "papers test")
    }

    @Test func everySpellingOfAnOption() throws {
        for arguments in [["-k", "5"], ["-k5"], ["--limit", "5"], ["--limit=5"]] {
            let parsed = try parse(arguments + ["query"])
            #expect(parsed.value("--limit") == "5", "\(arguments)")
            #expect(parsed.positionals == ["query"])
        }
    }

    @Test func flagsPositionalsAndTheEndOfOptions() throws {
        let parsed = try parse(["a", "--json", "-", "--", "--not-an-option", "-3"])
        #expect(parsed.has("--json"))
        #expect(parsed.positionals == ["a", "-", "--not-an-option", "-3"])
        #expect(try parse(["-2.5"]).positionals == ["-2.5"])
        #expect(try parse(["--help"]).wantsHelp)
        #expect(try parse(["x", "-h"]).wantsHelp)
    }

    @Test func mistakesAreUsageErrors() {
        let hint = " (if it is text, not an option, put '--' before it: papers test -- "
        #expect(throws: UsageError("unknown option '--nope' for 'papers test'" + hint + "'--nope')")) { try parse(["--nope"]) }
        #expect(throws: UsageError("--limit needs a value (N)")) { try parse(["--limit"]) }
        #expect(throws: UsageError("--json takes no value")) { try parse(["--json=yes"]) }
        #expect(throws: UsageError("unknown option '-x' for 'papers test'" + hint + "'-x')")) { try parse(["-x"]) }
        #expect(throws: UsageError("unknown option '-classical' for 'papers test'" + hint + "'-classical')")) { try parse(["-classical"]) }
    }

    /// A query that starts with '-' is text when it holds a space, or after '--'.
    @Test func queriesThatStartWithAMinus() throws {
        #expect(try parse(["-classical quantum"]).positionals == ["-classical quantum"])
        #expect(try parse(["--", "-classical"]).positionals == ["-classical"])
    }

    @Test func typedValuesAreChecked() throws {
        let parsed = try parse(["-k", "ten", "--index", "5"])
        #expect(throws: UsageError("--limit takes a whole number at least 1, not 'ten'")) {
            _ = try parsed.integer("--limit", default: 10, range: 1...Int.max)
        }
        #expect(try parse([]).integer("--limit", default: 10) == 10)
        #expect(throws: UsageError("--index takes a whole number from 1 to 3, not '5'")) {
            _ = try parsed.integer("--index", default: 1, range: 1...3)
        }
    }

    @Test func helpListsVisibleOptions() {
        let text = ArgumentParser.help(command: "papers test", usage: "[--json]", abstract: "Test.",
                                       options: options + [.flag("--secret", help: "Hidden.", hidden: true)])
        #expect(text.hasPrefix("USAGE: papers test [--json]\n\nTest.\n\nOPTIONS:\n"))
        #expect(text.contains("--limit, -k N"))
        #expect(text.contains("-h, --help"))
        #expect(!text.contains("--secret"))
    }
}
