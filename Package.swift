// swift-tools-version:6.2
import PackageDescription

/// PaperSearch: full-text search over scientific paper abstracts.
/// No package dependencies: the Swift toolchain only.
let package = Package(
    name: "PaperSearch",
    products: [
        .library(name: "PaperSearch", targets: ["PaperSearch"]),
        .executable(name: "papers", targets: ["papers"]),
    ],
    targets: [
        .target(
            name: "PaperSearch",
            swiftSettings: [.strictMemorySafety()]
        ),
        .executableTarget(name: "papers", dependencies: ["PaperSearch"], exclude: ["Server/page.png"]),
        .executableTarget(
            name: "PaperSearchBenchmarks",
            dependencies: ["PaperSearch"],
            path: "Benchmarks/PaperSearchBenchmarks"
        ),
        .testTarget(name: "PaperSearchTests", dependencies: ["PaperSearch"]),
        .testTarget(name: "PapersCLITests", dependencies: ["papers", "PaperSearchBenchmarks", "PaperSearch"]),
    ],
    swiftLanguageModes: [.v6]
)
