// swift-tools-version:6.2
import PackageDescription

/// PaperSearch: full-text search over scientific paper abstracts.
/// No package dependencies: the Swift toolchain only.
let package = Package(
    name: "PaperSearch",
    products: [
        .library(name: "PaperSearch", targets: ["PaperSearch"]),
        .library(name: "PaperSearchEvaluation", targets: ["PaperSearchEvaluation"]),
        .executable(name: "papers", targets: ["papers"]),
    ],
    targets: [
        .target(
            name: "PaperSearch",
            swiftSettings: [.strictMemorySafety()]
        ),
        // Relevance evaluation (judgments, metrics, run files) and latency measurement: the tools of `papers
        // eval`, `papers bench` and the benchmarks, apart from the search library itself.
        .target(
            name: "PaperSearchEvaluation",
            dependencies: ["PaperSearch"],
            swiftSettings: [.strictMemorySafety()]
        ),
        .executableTarget(name: "papers", dependencies: ["PaperSearch", "PaperSearchEvaluation"], exclude: ["Server/page.png"]),
        .executableTarget(
            name: "PaperSearchBenchmarks",
            dependencies: ["PaperSearch", "PaperSearchEvaluation"],
            path: "Benchmarks/PaperSearchBenchmarks"
        ),
        .testTarget(name: "PaperSearchTests", dependencies: ["PaperSearch", "PaperSearchEvaluation"]),
        .testTarget(name: "PapersCLITests", dependencies: ["papers", "PaperSearchBenchmarks", "PaperSearch", "PaperSearchEvaluation"]),
    ],
    swiftLanguageModes: [.v6]
)
