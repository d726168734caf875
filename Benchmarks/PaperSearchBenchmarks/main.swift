import Foundation
import PaperSearch

/// Benchmarks of PaperSearch, run in release builds: `swift run -c release PaperSearchBenchmarks <name> [...]`.
/// Each prints a JSON object with the settings and the measured medians, and a Markdown line for tables.

func usage() -> Never {
    print("""
        USAGE: PaperSearchBenchmarks <benchmark> [options]

        BENCHMARKS:
          corpus PATH [--runs N]   read a corpus (parse, normalise, merge duplicates): papers/s and MB/s
        """)
    exit(64)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let benchmark = arguments.first else { usage() }

func option(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let number = Int(arguments[index + 1])
    else { return value }
    return number
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

switch benchmark {
case "corpus":
    guard arguments.count >= 2 else { usage() }
    let path = arguments[1]
    let runs = option("--runs", default: 3)
    var seconds: [Double] = []
    var papers = 0
    var bytes = 0
    for _ in 0..<runs {
        let clock = ContinuousClock()
        var count = 0
        var textBytes = 0
        let elapsed = try clock.measure {
            _ = try CorpusReader(paths: [path]).read { paper in
                count += 1
                textBytes += paper.title.utf8.count + paper.abstract.utf8.count
            }
        }
        papers = count
        bytes = textBytes
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    let best = median(seconds)
    print("{\"benchmark\":\"corpus\",\"path\":\"\(path)\",\"runs\":\(runs),\"papers\":\(papers),"
        + "\"median_seconds\":\(best),\"papers_per_second\":\(Int(Double(papers) / best)),"
        + "\"text_mb_per_second\":\(Double(bytes) / best / 1e6)}")
default:
    usage()
}
