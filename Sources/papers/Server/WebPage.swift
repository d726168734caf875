/// The search page `papers serve` shows at `/`: one HTML page, its style sheet and its script, all held in
/// the binary (no CDN, no build step). The script only talks to the JSON API, builds the DOM from text
/// nodes (never from HTML strings), and keeps the query in the URL, so a search can be shared and the back
/// button works. The server sends them with a Content-Security-Policy that allows nothing but these files
/// and the API (`WebPage.securityPolicy`).
enum WebPage {
    static let securityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        + "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>PaperSearch</title>
        <link rel="stylesheet" href="/static/app.css">
        </head>
        <body>
        <header>
          <h1><a href="/" id="home">PaperSearch</a></h1>
          <form id="search-form" role="search" action="/" method="get">
            <label for="q" class="hidden">Search papers</label>
            <input id="q" name="q" type="search" autocomplete="off" spellcheck="false"
                   placeholder="Words, &quot;a phrase&quot;, author:liu, category:cs.LG, year:>=2024  (press / to focus)">
            <label for="sort" class="hidden">Order</label>
            <select id="sort" name="sort">
              <option value="relevance">Best match</option>
              <option value="-date">Newest first</option>
              <option value="date">Oldest first</option>
            </select>
          </form>
          <p id="status" role="status" aria-live="polite"></p>
        </header>
        <main>
          <nav id="facets" aria-label="Refine the results"></nav>
          <section id="results" aria-label="Results"></section>
        </main>
        <article id="paper" hidden aria-labelledby="paper-title"></article>
        <script src="/static/app.js"></script>
        </body>
        </html>
        """#

    static let css = #"""
        :root { --ink: #1d2330; --muted: #5b6475; --line: #dde2ea; --accent: #1f5fbf; --mark: #fff1a8; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fafbfc; }
        header { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line); padding: .6rem 1rem; z-index: 1; }
        h1 { font-size: 1.1rem; margin: 0 0 .4rem; }
        h1 a { color: var(--ink); text-decoration: none; }
        form { display: flex; gap: .5rem; }
        #q { flex: 1; min-width: 0; font-size: 1rem; padding: .5rem .6rem; border: 1px solid #b9c1ce; border-radius: 6px; }
        #q:focus, select:focus, button:focus-visible, a:focus-visible { outline: 3px solid #9cc1ff; outline-offset: 1px; }
        select { font-size: .95rem; padding: .4rem; border-radius: 6px; border: 1px solid #b9c1ce; background: #fff; }
        #status { margin: .35rem 0 0; color: var(--muted); font-size: .9rem; min-height: 1.2em; }
        main { display: grid; grid-template-columns: 14rem 1fr; gap: 1.5rem; padding: 1rem; max-width: 72rem; margin: 0 auto; }
        nav h2 { font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 1rem 0 .3rem; }
        nav ul { list-style: none; margin: 0; padding: 0; }
        nav button { width: 100%; display: flex; justify-content: space-between; gap: .5rem; text-align: left; border: 0;
                     background: none; padding: .15rem .3rem; border-radius: 4px; cursor: pointer; font: inherit; font-size: .92rem; color: var(--ink); }
        nav button:hover { background: #eef2f8; }
        nav button[aria-pressed="true"] { background: #dfe9fb; font-weight: 600; }
        nav .count { color: var(--muted); }
        .hit { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; margin-bottom: .8rem; }
        .hit h3 { margin: 0 0 .2rem; font-size: 1.05rem; }
        .title-link { border: 0; background: none; padding: 0; font: inherit; color: var(--accent); cursor: pointer; text-align: left; }
        .title-link:hover { text-decoration: underline; }
        .meta { color: var(--muted); font-size: .88rem; margin: 0 0 .3rem; overflow-wrap: anywhere; }
        .snippet { margin: .2rem 0 .4rem; }
        mark { background: var(--mark); color: inherit; padding: 0 .05em; }
        .actions button, #paper button { font: inherit; font-size: .88rem; border: 1px solid var(--line); background: #fff;
                                         border-radius: 5px; padding: .15rem .55rem; cursor: pointer; color: var(--accent); }
        #paper { position: fixed; inset: 4.5rem 0 0 auto; width: min(46rem, 100%); background: #fff; border-left: 1px solid var(--line);
                 box-shadow: -6px 0 18px rgba(0,0,0,.08); overflow-y: auto; padding: 1rem 1.4rem 2rem; }
        #paper h2 { margin-top: .2rem; font-size: 1.3rem; }
        #paper .abstract { white-space: pre-wrap; }
        .hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        .error { color: #a31b1b; }
        @media (max-width: 48rem) {
          main { grid-template-columns: 1fr; padding: .6rem; }
          nav { order: 0; } #results { order: 1; }
          #paper { inset: 0; width: 100%; }
        }
        """#

    static let javascript = #"""
        "use strict";
        (() => {
          const $ = (id) => document.getElementById(id);
          const input = $("q"), sort = $("sort"), results = $("results"), facets = $("facets"), status = $("status"), paper = $("paper");
          let timer = null, generation = 0;

          function element(tag, properties, children) {
            const node = document.createElement(tag);
            for (const [key, value] of Object.entries(properties || {})) {
              if (key === "text") node.textContent = value; else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
              else node.setAttribute(key, value);
            }
            for (const child of children || []) node.append(child);
            return node;
          }
          function say(text, isError) { status.textContent = text; status.className = isError ? "error" : ""; }
          window.addEventListener("error", (event) => say("Error in the page: " + event.message, true));

          function state() {
            const params = new URLSearchParams(location.search);
            return { q: params.get("q") || "", sort: params.get("sort") || "relevance", paper: params.get("paper"), similar: params.get("similar") };
          }
          function go(next, push) {
            const params = new URLSearchParams();
            if (next.q) params.set("q", next.q);
            if (next.sort && next.sort !== "relevance") params.set("sort", next.sort);
            if (next.similar) params.set("similar", next.similar);
            if (next.paper) params.set("paper", next.paper);
            const url = "/" + (params.toString() ? "?" + params : "");
            if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
            render();
          }

          async function api(path, options) {
            const response = await fetch(path, options);
            const body = await response.json();
            if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
            return body;
          }

          // Highlights are offsets in Unicode scalars: slice the text by code points.
          function snippet(data) {
            const node = element("p", { class: "snippet" });
            if (!data) return node;
            const chars = Array.from(data.text);
            let at = 0;
            for (const [start, end] of data.highlights) {
              if (start < at || end > chars.length) continue;
              node.append(chars.slice(at, start).join(""), element("mark", { text: chars.slice(start, end).join("") }));
              at = end;
            }
            node.append(chars.slice(at).join(""));
            return node;
          }

          function meta(hit) {
            const parts = [hit.id];
            if (hit.date) parts.push(hit.date); else if (hit.year) parts.push(String(hit.year));
            if (hit.venue) parts.push(hit.venue);
            if (hit.categories && hit.categories.length) parts.push(hit.categories.slice(0, 3).join(" "));
            if (hit.authors && hit.authors.length) parts.push(hit.authors.slice(0, 4).join(", ") + (hit.authors.length > 4 ? " et al." : ""));
            return element("p", { class: "meta", text: parts.join(" · ") });
          }

          function hitNode(hit) {
            const open = element("button", { class: "title-link", type: "button", text: hit.title || hit.id,
                                              onclick: () => go({ ...state(), paper: hit.id }, true) });
            const like = element("button", { type: "button", class: "similar", text: "Similar papers",
                                              onclick: () => go({ q: "", sort: "relevance", similar: hit.id }, true) });
            return element("article", { class: "hit" }, [element("h3", {}, [open]), meta(hit), snippet(hit.snippet),
                                                           element("div", { class: "actions" }, [like])]);
          }

          function showHits(hits, heading) {
            results.replaceChildren(...(heading ? [element("h2", { text: heading })] : []), ...hits.map(hitNode));
          }

          function facetList(facet, title, clause) {
            if (!facet || !facet.values.length) return [];
            const current = state().q;
            const items = facet.values.map((value) => {
              const term = "+" + clause + ":" + (/\s/.test(value.value) ? '"' + value.value + '"' : value.value);
              const active = current.split(/\s+/).includes(term);
              const button = element("button", { type: "button", "aria-pressed": String(active),
                onclick: () => go({ ...state(), paper: null, q: active ? current.split(/\s+/).filter((t) => t !== term).join(" ")
                                                                       : (current + " " + term).trim() }, true) },
                [element("span", { text: value.value }), element("span", { class: "count", text: value.count.toLocaleString() })]);
              return element("li", {}, [button]);
            });
            return [element("h2", { text: title }), element("ul", {}, items)];
          }

          async function render() {
            const now = state(), mine = ++generation;
            if (document.activeElement !== input) input.value = now.q;
            sort.value = now.sort;
            paper.hidden = !now.paper;
            try {
              if (now.paper) await showPaper(now.paper, mine);
              if (now.similar) {
                const data = await api("/api/similar?k=20&id=" + encodeURIComponent(now.similar));
                if (mine !== generation) return;
                facets.replaceChildren();
                showHits(data.hits, "Papers like " + now.similar);
                say(data.notice ? "No results: " + data.notice : data.hits.length + " similar papers");
              } else if (now.q.trim()) {
                const data = await api("/api/search?k=20&facets=year,category&facetLimit=8&sort=" + encodeURIComponent(now.sort) +
                                       "&q=" + encodeURIComponent(now.q));
                if (mine !== generation) return;
                showHits(data.hits);
                const byField = Object.fromEntries(data.facets.map((f) => [f.field, f]));
                facets.replaceChildren(...facetList(byField.year, "Year", "year"), ...facetList(byField.category, "Category", "category"));
                const notes = (data.notices || []).join(" ");
                say(data.notice ? "No results: " + data.notice
                    : (data.totalIsExact ? "" : "at least ") + data.total.toLocaleString() + " papers match" + (notes ? " — " + notes : ""));
              } else if (!now.paper) {
                results.replaceChildren(); facets.replaceChildren();
                const stats = await api("/api/stats");
                if (mine === generation) say("Search " + stats.papers.toLocaleString() + " papers.");
              }
            } catch (error) {
              if (mine === generation) say(error.message, true);
            }
          }

          async function showPaper(id, mine) {
            const data = await api("/api/papers/" + encodeURIComponent(id));
            if (mine !== generation) return;
            const close = element("button", { type: "button", text: "Close", onclick: () => go({ ...state(), paper: null }, true) });
            const like = element("button", { type: "button", class: "similar", text: "Similar papers",
                                              onclick: () => go({ q: "", sort: "relevance", similar: data.id }, true) });
            const parts = [element("div", { class: "actions" }, [close, " ", like]),
                           element("h2", { id: "paper-title", text: data.title || data.id }), meta(data),
                           element("p", { class: "abstract", text: data.abstract || "" })];
            if (/^\d{4}\.\d{4,5}$|^[a-z-]+(\.[A-Z]{2})?\/\d{7}$/.test(data.id)) {
              parts.push(element("p", {}, [element("a", { href: "https://arxiv.org/abs/" + data.id, rel: "noopener noreferrer", text: "arXiv:" + data.id })]));
            }
            paper.replaceChildren(...parts);
            paper.hidden = false;
            close.focus();
          }

          input.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(() => go({ ...state(), q: input.value, similar: null, paper: null }, false), 200);
          });
          $("search-form").addEventListener("submit", (event) => {
            event.preventDefault(); clearTimeout(timer); go({ ...state(), q: input.value, similar: null, paper: null }, true);
          });
          sort.addEventListener("change", () => go({ ...state(), sort: sort.value }, true));
          $("home").addEventListener("click", (event) => { event.preventDefault(); go({ q: "", sort: "relevance" }, true); });
          document.addEventListener("keydown", (event) => {
            if (event.key === "/" && document.activeElement !== input) { event.preventDefault(); input.focus(); }
            if (event.key === "Escape" && !paper.hidden) go({ ...state(), paper: null }, true);
          });
          window.addEventListener("popstate", render);
          render();
          if (new URLSearchParams(location.search).has("selftest")) {
            document.body.append(element("script", { src: "/static/selftest.js" }));
          }
        })();
        """#

    /// The browser test's script (served only with `papers serve --browser-test`): drives the page as a user
    /// would — types a query, waits for results, clicks a facet, opens a paper, follows "similar papers" —
    /// and writes PASS or FAIL with the reason into `#selftest`, which the test reads from the DOM. Any
    /// JavaScript error on the page fails it.
    static let selfTest = #"""
        "use strict";
        (async () => {
          const errors = [];
          window.addEventListener("error", (event) => errors.push(event.message));
          window.addEventListener("unhandledrejection", (event) => errors.push(String(event.reason)));
          document.addEventListener("securitypolicyviolation", (event) => errors.push("CSP blocked " + event.blockedURI));
          const out = document.createElement("pre"); out.id = "selftest"; out.textContent = "RUNNING";
          document.body.append(out);
          const wait = async (test, what) => {
            for (let i = 0; i < 100; i++) { if (test()) return; await new Promise((r) => setTimeout(r, 50)); }
            throw new Error("timed out waiting for " + what);
          };
          try {
            const input = document.getElementById("q");
            input.focus(); input.value = "binary neural networks"; input.dispatchEvent(new Event("input"));
            await wait(() => document.querySelectorAll("#results .hit").length > 0, "results");
            if (!new URLSearchParams(location.search).get("q")) throw new Error("the query is not in the URL");
            if (!document.querySelector("#results mark")) throw new Error("no highlighted words");
            const before = document.querySelectorAll("#results .hit").length;
            const facet = document.querySelector("#facets button");
            if (!facet) throw new Error("no facet");
            facet.click();
            await wait(() => /\+(year|category):/.test(new URLSearchParams(location.search).get("q") || ""), "the facet in the query");
            await wait(() => document.querySelector("#facets button[aria-pressed=true]"), "the facet marked");
            document.querySelector("#results .title-link").click();
            await wait(() => !document.getElementById("paper").hidden && document.querySelector("#paper .abstract"), "the paper view");
            document.querySelector("#paper .similar").click();
            await wait(() => /Papers like/.test(document.querySelector("#results h2") ? document.querySelector("#results h2").textContent : ""), "similar papers");
            await wait(() => document.querySelectorAll("#results .hit").length > 0, "similar results");
            history.back();
            await wait(() => !new URLSearchParams(location.search).get("similar"), "the back button");
            if (errors.length) throw new Error("JavaScript errors: " + errors.join("; "));
            out.textContent = "SELFTEST PASS " + before + " hits";
          } catch (error) {
            out.textContent = "SELFTEST FAIL " + error.message + (errors.length ? " | errors: " + errors.join("; ") : "");
          }
        })();
        """#
}
