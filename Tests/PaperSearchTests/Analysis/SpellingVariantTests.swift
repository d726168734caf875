import Testing
@testable import PaperSearch

@Suite("Spelling variants")
struct SpellingVariantTests {
    /// British spellings and the American ones they must index as (each pair: the same terms through the
    /// analyzer), covering every rule and inflection.
    static let sameWords: [(String, String)] = [
        ("quantisation", "quantization"), ("quantised", "quantized"), ("normalise", "normalize"), ("normalising", "normalizing"),
        ("optimiser", "optimizer"), ("tokenisers", "tokenizers"), ("recognised", "recognized"), ("characterisation", "characterization"),
        ("parameterised", "parameterized"), ("generalisable", "generalizable"), ("ionised", "ionized"), ("anonymised", "anonymized"),
        ("standardised", "standardized"), ("utilises", "utilizes"), ("hypothesised", "hypothesized"), ("emphasises", "emphasizes"),
        ("analyse", "analyze"), ("analysed", "analyzed"), ("catalysing", "catalyzing"), ("paralysed", "paralyzed"),
        ("colour", "color"), ("colours", "colors"), ("behaviour", "behavior"), ("behavioural", "behavioral"),
        ("neighbourhood", "neighborhood"), ("favourite", "favorite"), ("tumours", "tumors"), ("labour", "labor"),
        ("centre", "center"), ("centred", "centered"), ("centring", "centering"), ("kilometres", "kilometers"),
        ("fibre", "fiber"), ("litres", "liters"), ("titre", "titer"), ("theatre", "theater"),
        ("analogue", "analog"), ("catalogues", "catalogs"), ("dialogue", "dialog"),
        ("haemoglobin", "hemoglobin"), ("anaemia", "anemia"), ("leukaemia", "leukemia"), ("ischaemic", "ischemic"),
        ("paediatric", "pediatric"), ("orthopaedic", "orthopedic"), ("oestrogen", "estrogen"), ("oesophageal", "esophageal"),
        ("oedema", "edema"), ("foetal", "fetal"), ("aetiology", "etiology"), ("anaesthesia", "anesthesia"), ("sulphate", "sulfate"),
        ("grey", "gray"), ("programme", "program"), ("aluminium", "aluminum"), ("artefacts", "artifacts"), ("defence", "defense"),
        ("judgement", "judgment"), ("modeller", "modeler"), ("manoeuvres", "maneuvers"), ("learnt", "learned"),
        ("sceptical", "skeptical"),
    ]
    /// Doubled consonants before -ing and -ed, which the stemmers already undo.
    static let joinedByStemming: [(String, String)] = [("modelling", "modeling"), ("labelled", "labeled"), ("signalling", "signaling")]

    /// Words that look like a British spelling but are not one, and must keep their own term.
    static let untouched = ["supervised", "unsupervised", "advertise", "exercise", "promise", "unpromising", "compromise",
                            "premise", "treatise", "noise", "denoising", "arise", "surprise", "precise", "otherwise", "pairwise",
                            "franchise", "expertise", "revised", "improvisation", "trellises", "metropolises", "lyse", "lysed",
                            "hour", "four", "tour", "contour", "detour", "devour", "acre", "timbre", "macabre", "rogue", "vogue",
                            "academia", "raised", "crises", "chemise", "valise", "comprising", "advisable", "disable"]

    @Test func britishSpellingsIndexAsTheAmericanOnes() {
        let analyzer = Analyzer.english
        for (british, american) in Self.sameWords {
            #expect(analyzer.terms(british) == analyzer.terms(american), "\(british) / \(american)")
            #expect(SpellingVariants.americanize(british) == american, "\(british)")
        }
        for (british, american) in Self.joinedByStemming {
            #expect(analyzer.terms(british) == analyzer.terms(american), "\(british) / \(american)")
        }
        // The Porter stemmer gets the same spellings.
        #expect(Analyzer(stemmer: .porter).terms("quantisation colour") == Analyzer(stemmer: .porter).terms("quantization color"))
    }

    @Test func wordsThatOnlyLookBritishAreLeftAlone() {
        for word in Self.untouched {
            #expect(SpellingVariants.americanize(word) == word)
        }
    }

    @Test func withoutAStemmerWordsAreIndexedAsWritten() {
        #expect(Analyzer(stemmer: .none).terms("quantisation colour") == ["quantisation", "colour"])
    }

    /// What `TermSink.needsStem` relies on: a spelling changes a word's first byte only from "a" or "o" to "e".
    @Test func aSpellingChangesTheFirstByteOnlyFromAOrOToE() {
        for (british, _) in Self.sameWords {
            let american = SpellingVariants.americanize(british)
            if american.first != british.first {
                #expect(american.first == "e" && (british.first == "a" || british.first == "o"), "\(british)")
            }
        }
    }

    @Test func analyzeShowsTheSpellingAWordIsIndexedUnder() {
        let tokens = Analyzer.english.tokens("Quantisation of colour images")
        #expect(tokens.map(\.americanSpelling) == ["quantization", nil, "color", nil])
    }
}

@Suite("Spelling variants in search")
struct SpellingVariantSearchTests {
    @Test func eitherSpellingFindsBothAndIsHighlighted() throws {
        let papers = [Paper(id: "uk", title: "Quantisation of colour images", abstract: "The aetiology of quantisation noise."),
                      Paper(id: "us", title: "Quantization of color images", abstract: "The etiology of quantization noise."),
                      Paper(id: "other", title: "Graphs", abstract: "Nothing of the kind.")]
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        for query in ["quantisation", "quantization", "colour", "etiology", "aetiology", "quantis*", "quantisation*"] {
            let hits = try searcher.search(query, options: SearchOptions(limit: 10)).hits
            #expect(Set(hits.map(\.id)) == ["uk", "us"], "\(query)")
        }
        // The snippet marks the word as each paper spells it, even where its first letter differs from the term's.
        let hits = try searcher.search("etiology", options: SearchOptions(limit: 10)).hits
        for hit in hits {
            let snippet = try #require(hit.snippet)
            let scalars = Array(snippet.text.unicodeScalars)
            let marked = snippet.highlights.map { String(String.UnicodeScalarView(scalars[$0])) }
            #expect(marked == [hit.id == "uk" ? "aetiology" : "etiology"])
        }
    }
}
