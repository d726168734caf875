/// LaTeX in abstracts: `$\theta$`, `$\textit{de facto}$`, `\cite{...}`. A command's name becomes a word
/// ("theta") unless it only formats, structures or spaces text, or is an operator symbol; those vanish,
/// so `\textit{de facto}` indexes as "de facto" and `$a \leq b$` as "a b".
enum LaTeX {
    static let silentCommands: Set<[UInt8]> = Set([
        // Text formatting and fonts.
        "textit", "textbf", "texttt", "textrm", "textsf", "textsc", "textup", "textnormal", "emph", "text", "mbox",
        "mathrm", "mathbf", "mathit", "mathcal", "mathbb", "mathsf", "mathtt", "mathfrak", "mathscr", "boldsymbol",
        "bm", "operatorname", "it", "bf", "rm", "sf", "tt", "em", "sc", "small", "large", "tiny", "huge", "normalsize",
        "footnotesize", "scriptsize",
        // References and structure.
        "cite", "citep", "citet", "citealp", "ref", "eqref", "label", "url", "href", "footnote", "begin", "end",
        "item", "newline", "linebreak", "par", "noindent", "hspace", "vspace", "centering",
        // Sizing, spacing and accents.
        "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "quad", "qquad", "displaystyle", "textstyle",
        "scriptstyle", "limits", "nolimits", "hat", "tilde", "bar", "vec", "dot", "ddot", "overline", "underline",
        "widehat", "widetilde", "mathop", "frac", "dfrac", "tfrac", "sqrt", "sp", "sb",
        // Operators and relations.
        "cdot", "cdots", "ldots", "dots", "vdots", "ddots", "times", "div", "pm", "mp", "le", "leq", "ge", "geq",
        "neq", "ne", "approx", "sim", "simeq", "equiv", "propto", "to", "rightarrow", "leftarrow", "Rightarrow",
        "Leftarrow", "leftrightarrow", "mapsto", "in", "notin", "subset", "subseteq", "supset", "supseteq", "cup",
        "cap", "mid", "ll", "gg", "circ", "ast", "star", "lvert", "rvert", "lVert", "rVert", "langle", "rangle",
        "lbrace", "rbrace", "lfloor", "rfloor", "lceil", "rceil",
    ].map { Array($0.utf8) })
}
