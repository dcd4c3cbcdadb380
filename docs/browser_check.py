#!/usr/bin/env python3
"""Opens the built book in headless Chromium and checks it as a reader sees it.

    python3 docs/browser_check.py              # build, serve on 127.0.0.1, check every page
    python3 docs/browser_check.py --self-test  # show that it catches a broken book

It fails when
  * a search (套接字 阻塞 超时 字节流 数据报 教师指南 前言 socket backlog) finds nothing,
    misses a page it should find (every page whose text has the word), or
    finds a page whose text does not have the word;
  * a search for a word on no page (qwerty zzzz xylophone 麒麟) finds anything;
  * a table cell breaks an identifier at 1280 px ("socket.SOCK_ST⏎REAM",
    "-⏎-step"): a line may break only at a space or after "." or "::";
  * a page scrolls sideways at 390 px (something wider than the screen that is
    not inside its own scrolling block), or a table is wider than its box or
    clips a cell, at 1280 or 390 px;
  * an en dash stands where an option's `--` should be ("–host");
  * a button or control is labelled in English only ("Copy to clipboard"),
    or the eye button no longer shows a listing's hidden lines;
  * a page has a JavaScript error or logs one (a missing file counts).
Screenshots of six views at 1280 and 390 px go to target/book-screenshots/.

Needs Debian's chromium (or CHROMIUM=/path), fonts-noto-cjk for the
screenshots, and `pip install 'pagefind[extended]' playwright` (the driver
only: no browser download). Chromium runs with a fresh profile, no sandbox
(CI runs as root) and nothing that reaches the network.
"""
import functools
import http.server
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402  (docs/build.py)

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
SHOTS = TARGET / "book-screenshots"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
SEARCHES = ["套接字", "阻塞", "超时", "字节流", "数据报", "教师指南", "前言", "socket", "backlog"]
# Words no page has: each must find nothing. Latin ones, because Pagefind
# returns near matches for them ("zzzz" finds "z"), and a Chinese one.
ABSENT = ["qwerty", "zzzz", "xylophone", "麒麟"]
# Pages to look at: the front page, a page with a wide table, a search
# with its results, and the pages below.
SCREENSHOTS = [
    ("preface", "index.html", None),
    ("table", "ch15-02-2-tcp-server.html", "main table"),
    ("search", "ch15-01-socket-basics.html?search=套接字", None),
    # 15.1's table of socket types, the errata and the lesson plan: tables
    # full of identifiers, the ones a reader looks at most.
    ("types", "ch15-01-socket-basics.html", "main table >> nth=1"),
    ("errata", "errata.html", "main table"),
    ("lesson-plan", "teachers.html", "main table"),
]
WAIT_MS = 15_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

# Runs in each page; returns what does not fit.
LAYOUT_JS = r"""
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    else if (el.classList.length) name += "." + Array.from(el.classList).join(".");
    const text = (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ");
    return name + (text ? ' "' + text.slice(0, 60) + '"' : "");
  };
  const clips = (el) => {
    const o = getComputedStyle(el).overflowX;
    return o === "auto" || o === "scroll" || o === "hidden" || o === "clip";
  };
  // Wider than the screen, and no block of its own scrolls it.
  const content = document.querySelector("#mdbook-content") || document.body;
  for (const el of content.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= width + 1 && r.left >= -1) continue;
    let held = false;
    for (let a = el.parentElement; a && a !== content && a !== document.body; a = a.parentElement) {
      if (clips(a)) { held = true; break; }
    }
    if (held) continue;
    problems.push({kind: "sideways", what: describe(el) + " reaches " + Math.round(r.right) + " px of " + width});
    if (problems.length > 5) break;
  }
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push({kind: "sideways", what: "the page is " + document.documentElement.scrollWidth + " px wide, the screen " + width});
  }
  // Tables: the table fits its box, and no cell hides part of its content.
  document.querySelectorAll("main table").forEach((table, i) => {
    const box = table.parentElement;
    const head = (table.querySelector("th, td") || table).innerText.trim().slice(0, 30);
    const name = "table " + (i + 1) + ' (first cell "' + head + '")';
    const tw = table.getBoundingClientRect().width;
    if (tw > box.clientWidth + 1) {
      problems.push({kind: "table", what: name + " is " + Math.round(tw) + " px wide in a box of " + box.clientWidth + " px"});
    }
    for (const cell of table.querySelectorAll("td, th")) {
      if (cell.scrollWidth > cell.clientWidth + 1) {
        problems.push({kind: "table", what: name + ": a cell clips its content: " + describe(cell)});
        break;
      }
    }
  });
  return problems;
}
"""

# Where a table cell's text wraps inside a word, at the width the page is
# shown. Breaking at a space or after "." or "::" is fine; "SOCK_ST⏎REAM"
# and "-⏎-step" are not.
IDENT_BREAK_JS = r"""
() => {
  const found = [];
  // A line may end after a space or after . : / ( , ; and anywhere in
  // Chinese text; a break between two other ASCII characters cuts a word
  // ("SOCK⏎_STREAM", "-⏎-step").
  const ascii = /[\x21-\x7e]/;
  const inWord = (a, b) => ascii.test(a) && ascii.test(b) && !".:/(,;".includes(a);
  const range = document.createRange();
  // The first place in a cell where a line ends inside a word, or null.
  const breakIn = (cell) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let prev = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const ch = node.data[i];
        if (/\s/.test(ch)) { prev = null; continue; }
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const r = range.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (prev && inWord(prev.ch, ch) && r.top > prev.top + prev.height / 2) {
          return node.data.slice(Math.max(0, i - 20), i) + "⏎" + node.data.slice(i, i + 20);
        }
        prev = {ch: ch, top: r.top, height: r.height};
      }
    }
    return null;
  };
  for (const cell of document.querySelectorAll("main table td, main table th")) {
    const at = breakIn(cell);
    if (at) found.push(at);
    if (found.length >= 5) break;
  }
  return found;
}
"""

# Labels of buttons and controls that are English only ("Copy to
# clipboard"): the book is Chinese, so docs/build.py translates mdBook's.
ENGLISH_LABELS_JS = r"""
() => {
  const han = /[\u3400-\u9fff]/;
  const found = new Set();
  for (const el of document.querySelectorAll("[title], [aria-label]")) {
    for (const attr of ["title", "aria-label"]) {
      const label = el.getAttribute(attr);
      if (label && /[A-Za-z]{3,}/.test(label) && !han.test(label)) found.add(label);
    }
  }
  return Array.from(found);
}
"""

# An en dash right before a letter, where a word starts: "–host", "(–port".
EN_DASH_JS = r"""
() => {
  const found = [];
  const re = /(^|[\s(（“"'/,，、：:;；])\u2013([A-Za-z][\w-]*)/g;
  for (const text of [document.title, document.body.innerText]) {
    let m;
    while ((m = re.exec(text)) !== null && found.length < 5) {
      const at = m.index;
      found.push(text.slice(Math.max(0, at - 20), at + 30).replace(/\s+/g, " "));
    }
  }
  return found;
}
"""


class Failures:
    def __init__(self):
        self.items = []  # (kind, page, message)
        self.checks = 0

    def check(self, ok, kind, page, message):
        self.checks += 1
        if not ok:
            self.items.append((kind, page, message))
        return ok


def serve(directory):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def chromium_path():
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise SystemExit("browser check: chromium is not installed (apt-get install chromium)")
    return path


def pages_of(site):
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.name != "toc.html" and "pagefind" not in p.parts
    )


def expected_pages(site, term):
    """The pages a search for `term` must find: every page whose text has it
    (a Chinese word anywhere, an English one at the start of a word), read
    from the built pages as the reader sees them."""
    import html as htmllib
    import re

    if term.isascii():
        pattern = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(term), re.I)
    else:
        pattern = re.compile(re.escape(term))
    want = []
    for page in pages_of(site):
        if page in build.NOT_INDEXED:
            continue
        text = (site / page).read_text(encoding="utf-8")
        main = text.split("<main>", 1)[-1].split("</main>", 1)[0]
        plain = htmllib.unescape(re.sub(r"<[^>]+>", "", main))
        if pattern.search(plain):
            want.append(page)
    return want


def result_pages(hrefs, base):
    out = []
    for href in hrefs:
        path = href.split("#", 1)[0].split("?", 1)[0]
        if path.startswith(base):
            path = path[len(base):]
        path = path.lstrip("/") or "index.html"
        out.append(path)
    return out


def watch_errors(page, sink):
    page.on("pageerror", lambda err: sink.append(f"uncaught: {err}"))
    page.on("console", lambda msg: sink.append(f"console.error: {msg.text}") if msg.type == "error" else None)


def check_site(context, site, base, failures, screenshots=None, layout=True):
    pages = pages_of(site)
    page = context.new_page()
    errors = []
    watch_errors(page, errors)

    # Every page at both widths: layout, en dashes, JavaScript errors.
    for label, (w, h) in (WIDTHS.items() if layout else ()):
        page.set_viewport_size({"width": w, "height": h})
        for name in pages:
            errors.clear()
            response = page.goto(base + name, wait_until="load")
            failures.check(response is not None and response.ok, "load", name,
                           f"{name}: HTTP {response.status if response else 'no response'}")
            page.wait_for_function("document.fonts.status === 'loaded'", timeout=WAIT_MS)
            problems = page.evaluate(LAYOUT_JS)
            for kind in ("sideways", "table"):
                mine = [p["what"] for p in problems if p["kind"] == kind]
                if kind == "sideways" and label == "desktop":
                    # Sideways scrolling is a phone problem; a desktop page
                    # that overflows shows up as a table or in the phone run.
                    mine = []
                failures.check(not mine, kind, name,
                               f"{name} at {w} px: " + "; ".join(mine[:3]))
            if label == "desktop":
                broken = page.evaluate(IDENT_BREAK_JS)
                failures.check(not broken, "ident", name,
                               f"{name} at {w} px: a table cell breaks a word: " + " | ".join(broken[:3])
                               + " (keep words whole: docs/theme/site.css, theme/tables.js)")
                english = page.evaluate(ENGLISH_LABELS_JS)
                failures.check(not english, "label", name,
                               f"{name}: controls labelled in English only: " + ", ".join(english[:5])
                               + " (add them to LABELS in docs/build.py)")
                dashes = page.evaluate(EN_DASH_JS)
                failures.check(not dashes, "dash", name,
                               f"{name}: an en dash where an option's -- should be: "
                               + " | ".join(dashes)
                               + " (put the option in `code`, or keep smart-punctuation off)")
            failures.check(not errors, "js", name,
                           f"{name} at {w} px: JavaScript errors: " + " | ".join(errors[:3]))

    # Search: a shared link <page>.html?search=WORD opens the results.
    page.set_viewport_size({"width": 1280, "height": 800})
    chapters = [p for p in pages if p not in build.NOT_INDEXED]
    for i, term in enumerate(SEARCHES):
        start = chapters[i % len(chapters)]
        errors.clear()
        page.goto(f"{base}{start}?search={term}", wait_until="load")
        hrefs, state, status = wait_search(page)
        found = result_pages(hrefs, base)
        want = expected_pages(site, term)
        where = f"{start}?search={term}"
        if failures.check(state == "done" and found, "search", where,
                          f"search for {term!r} from {start} found nothing: {status!r} (state {state})"):
            missing = [p for p in want if p not in found]
            failures.check(not missing, "search", where,
                           f"search for {term!r} misses {', '.join(missing)}; found {', '.join(found[:8])}")
            stray = [p for p in found if p not in want]
            failures.check(not stray, "search", where,
                           f"search for {term!r} finds {', '.join(stray)}, whose text does not have it")
        failures.check(not errors, "js", where, f"{where}: JavaScript errors: " + " | ".join(errors[:3]))

    # A word on no page finds nothing (and says so).
    for i, term in enumerate(ABSENT):
        start = chapters[i % len(chapters)]
        where = f"{start}?search={term}"
        on_pages = expected_pages(site, term)
        if not failures.check(not on_pages, "absent", where,
                              f"{term!r} is on {', '.join(on_pages)} now: pick another absent word for ABSENT"):
            continue
        errors.clear()
        page.goto(f"{base}{start}?search={term}", wait_until="load")
        hrefs, state, status = wait_search(page)
        found = result_pages(hrefs, base)
        failures.check(state == "empty" and not found, "absent", where,
                       f"search for {term!r}, a word on no page, finds {', '.join(found) or status!r} (state {state})")
        failures.check(not errors, "js", where, f"{where}: JavaScript errors: " + " | ".join(errors[:3]))

    # Typing: S opens the box; the URL follows; a result opens its page.
    errors.clear()
    page.goto(base + "index.html", wait_until="load")
    page.keyboard.press("s")
    page.keyboard.type("backlog")
    hrefs, state, status = wait_search(page, typed="backlog")
    if failures.check(state == "done" and hrefs, "search", "index.html (typed)",
                      f"typing 'backlog' after pressing S found nothing: {status!r}"):
        failures.check("search=backlog" in page.url, "search", "index.html (typed)",
                       f"the address does not follow the search: {page.url}")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        focused = page.evaluate("document.activeElement && document.activeElement.href")
        failures.check(len(hrefs) < 2 or focused == hrefs[1], "search", "index.html (typed)",
                       f"arrow keys do not walk the results: focus on {focused!r}")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Escape")
        failures.check(page.locator("#book-search").is_hidden() and "search=" not in page.url,
                       "search", "index.html (typed)",
                       f"Escape does not close the search and clear the address: {page.url}")
        response = page.goto(hrefs[0], wait_until="load")
        failures.check(response is not None and response.ok, "search", hrefs[0],
                       f"the first result {hrefs[0]} does not open")
        marks = page.locator("main mark.pagefind-highlight")
        try:
            marks.first.wait_for(timeout=WAIT_MS)
        except Exception:
            pass
        failures.check(marks.count() > 0, "search", hrefs[0],
                       f"the result page {hrefs[0]} does not mark the word searched for")
    failures.check(not errors, "js", "search by typing", "JavaScript errors: " + " | ".join(errors[:3]))

    # The eye button still shows a listing's hidden lines, in Chinese.
    errors.clear()
    page.goto(base + "ch15-02-2-tcp-server.html", wait_until="load")
    toggled = page.evaluate("""() => {
        const eye = Array.from(document.querySelectorAll("pre > .buttons > button:not(.clip-button)"))
            .find(b => b.closest("pre").querySelector("code.hide-boring"));
        if (!eye) return null;
        const code = eye.closest("pre").querySelector("code");
        const before = eye.getAttribute("title");
        eye.click();
        return [before, eye.getAttribute("title"), !code.classList.contains("hide-boring")];
    }""")
    if failures.check(toggled is not None, "label", "ch15-02-2-tcp-server.html",
                      "no button that shows the listing's hidden lines"):
        before, after, shown = toggled
        failures.check(before == "显示隐藏的行" and after == "隐藏这些行" and shown, "label",
                       "ch15-02-2-tcp-server.html",
                       f"the eye button does not toggle the hidden lines: {before!r} -> {after!r}, "
                       f"lines shown: {shown}")
    failures.check(not errors, "js", "the eye button", "JavaScript errors: " + " | ".join(errors[:3]))

    # A page opened as a file cannot load the index: the box says how to
    # serve the book, and nothing throws.
    errors.clear()
    page.goto((site / "index.html").resolve().as_uri() + "?search=socket", wait_until="load")
    _, state, status = wait_search(page)
    failures.check(state == "error" and "--serve" in status, "search", "index.html as a file",
                   f"a page opened as a file does not say how to serve the book: {status!r}")
    failures.check(not [e for e in errors if e.startswith("uncaught")], "js", "index.html as a file",
                   "JavaScript errors: " + " | ".join(errors[:3]))

    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
        for label, (w, h) in WIDTHS.items():
            page.set_viewport_size({"width": w, "height": h})
            for name, path, focus in SCREENSHOTS:
                page.goto(base + path, wait_until="load")
                if "?search=" in path:
                    wait_search(page)
                if focus and page.locator(focus).count():
                    page.locator(focus).first.scroll_into_view_if_needed()
                page.screenshot(path=str(screenshots / f"{name}-{w}.png"))
    page.close()


def wait_search(page, typed=None):
    """Waits until the search box has finished; returns (result links, state, status)."""
    try:
        page.wait_for_function(
            """(typed) => {
                const panel = document.getElementById('book-search');
                if (!panel) return false;
                if (typed && panel.dataset.term !== typed) return false;
                return ['done', 'empty', 'error'].includes(panel.dataset.state);
            }""",
            arg=typed,
            timeout=WAIT_MS,
        )
    except Exception:
        pass
    return page.evaluate(
        """() => {
            const panel = document.getElementById('book-search');
            if (!panel) return [[], 'absent', 'no search box on the page'];
            const links = Array.from(panel.querySelectorAll('#book-search-results a')).map(a => a.href);
            const status = (document.getElementById('book-search-status') || {}).textContent || '';
            return [links, panel.dataset.state, status];
        }"""
    )


def run(site, screenshots=None, layout=True):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("browser check: Playwright is not installed "
                         "(python3 -m pip install playwright; it uses the system's chromium)")

    failures = Failures()
    httpd, base = serve(site)
    profile = tempfile.mkdtemp(prefix="book-browser-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile,
                executable_path=chromium_path(),
                headless=True,
                args=CHROMIUM_ARGS,
                locale="zh-CN",
                service_workers="block",
            )
            try:
                check_site(context, site, base, failures, screenshots, layout)
            finally:
                context.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    return failures


# --- the self-test: a deliberately broken copy must fail ----------------

WIDE_TABLE = (
    '<div class="table-wrapper"><table><thead><tr><th>宽表 / wide</th><th>b</th></tr></thead>'
    '<tbody><tr><td><span style="white-space:nowrap">' + "一行放不下的很长的内容 " * 40
    + "</span></td><td>x</td></tr></tbody></table></div>"
)
WIDE_BLOCK = '<div style="width:900px">' + "太宽的块 / too wide" + "</div>"
EN_DASH = "<p>用 \u2013host 指定地址。</p>"
# A narrow cell whose code may break anywhere: "SOCK_ST⏎REAM" (the style
# undoes what theme/tables.js and site.css do to keep words whole).
BROKEN_WORD = (
    "<style>#broken-word .whole-word { white-space: normal; }</style>"
    '<div class="table-wrapper"><table id="broken-word"><thead><tr><th>类型</th><th>说明</th></tr></thead>'
    '<tbody><tr><td style="width:70px"><code style="word-break:break-all">socket.SOCK_STREAM</code></td>'
    "<td>" + "一列很宽的说明文字，" * 30 + "</td></tr></tbody></table></div>"
)
JS_ERROR = "<script>window.no_such_thing.call();</script>"
ENGLISH_BUTTON = '<button type="button" title="Copy to clipboard">⧉</button>'


def inject(site, page, snippet):
    file = site / page
    html = file.read_text(encoding="utf-8")
    file.write_text(html.replace("</main>", snippet + "</main>", 1), encoding="utf-8")


def self_test():
    tmp = Path(tempfile.mkdtemp(prefix="book-broken-"))
    try:
        site = tmp / "book"
        build.build(out=site)
        chapters = [p for p in pages_of(site) if p not in build.NOT_INDEXED]
        table_page, wide_page, dash_page, js_page = chapters[1], chapters[2], chapters[3], chapters[4]
        word_page, label_page = chapters[5], chapters[6]
        shutil.rmtree(site / "pagefind")  # a missing search index
        inject(site, table_page, WIDE_TABLE)
        inject(site, wide_page, WIDE_BLOCK)
        inject(site, dash_page, EN_DASH)
        inject(site, js_page, JS_ERROR)
        inject(site, word_page, BROKEN_WORD)
        inject(site, label_page, ENGLISH_BUTTON)
        failures = run(site)
        # A second copy whose index leaves out a page that has 套接字, still
        # lists a page that no longer has "backlog" (a stale index), and
        # whose search box keeps every result Pagefind returns.
        partial = tmp / "partial"
        build.build(out=partial)
        left_out = next(p for p in expected_pages(partial, SEARCHES[0]) if p != "index.html")
        build.index(partial, skip={left_out})
        stale = next(p for p in expected_pages(partial, "backlog") if p not in ("index.html", left_out))
        html = (partial / stale).read_text(encoding="utf-8")
        (partial / stale).write_text(re.sub("backlog", "queue", html, flags=re.I), encoding="utf-8")
        for script in (partial / "theme").glob("search-*.js"):
            code = script.read_text(encoding="utf-8")
            script.write_text(code.replace("return hasEvery(data.content, term);", "return true;"),
                              encoding="utf-8")
        partial_failures = run(partial, layout=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    expected = [
        ("search", None, "a missing search index"),
        ("table", table_page, f"a table too wide on {table_page}"),
        ("sideways", wide_page, f"a block wider than a phone on {wide_page}"),
        ("dash", dash_page, f"an en dash before an option on {dash_page}"),
        ("js", js_page, f"a JavaScript error on {js_page}"),
        ("ident", word_page, f"a table cell breaking SOCK_STREAM inside the word on {word_page}"),
        ("label", label_page, f"a button labelled in English on {label_page}"),
    ]
    missed = []
    for kind, page, what in expected:
        hits = [m for k, p, m in failures.items if k == kind and (page is None or p == page)]
        print(f"browser self-test: {what}: " + ("caught: " + hits[0][:160] if hits else "NOT CAUGHT"))
        if not hits:
            missed.append(what)
    misses = [m for k, _, m in partial_failures.items
              if k == "search" and f"misses {left_out}" in m]
    print(f"browser self-test: an index without {left_out}: "
          + ("caught: " + misses[0][:160] if misses else "NOT CAUGHT"))
    if not misses:
        missed.append(f"an index without {left_out}")
    lacks = [m for k, _, m in partial_failures.items
             if k == "search" and f"finds {stale}" in m and "does not have it" in m]
    print(f"browser self-test: a result ({stale}) without the word searched for: "
          + ("caught: " + lacks[0][:160] if lacks else "NOT CAUGHT"))
    if not lacks:
        missed.append(f"a result ({stale}) without the word")
    absent = [m for k, _, m in partial_failures.items if k == "absent" and "a word on no page" in m]
    print("browser self-test: an absent word that finds pages (search box without its filter): "
          + ("caught: " + absent[0][:160] if absent else "NOT CAUGHT"))
    if not absent:
        missed.append("an absent word that finds pages")
    searches = [m for k, _, m in failures.items if k == "search"]
    if len(searches) < len(SEARCHES):
        missed.append(f"every search fails without an index (only {len(searches)} did)")
    # Only the defects put in: no page was reported that was not broken.
    broken = {table_page, wide_page, dash_page, js_page, word_page, label_page}
    stray = [m for k, p, m in failures.items
             if k in ("table", "sideways", "dash", "js", "ident", "label")
             and p in chapters and p not in broken]
    if stray:
        missed.append("reported pages that were not broken: " + " | ".join(stray[:3]))
    passed = len(expected) + 5 - len(missed)
    print(f"browser self-test: {passed} passed, {len(missed)} failed")
    for m in missed:
        print("browser self-test: FAILED:", m, file=sys.stderr)
    return 1 if missed else 0


def main():
    args = sys.argv[1:]
    if any(a not in ("--self-test",) for a in args):
        print("usage: python3 docs/browser_check.py [--self-test]", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        if "--self-test" in args:
            code = self_test()
            print(f"browser self-test: {time.monotonic() - started:.1f} s")
            return code
        site = TARGET / "book-browser" / "book"
        _, summary = build.build(out=site)
        print("browser check: built", summary)
        failures = run(site, SHOTS)
    except build.BuildError as err:
        print(f"browser check: {err}", file=sys.stderr)
        return 1
    for kind, page, message in failures.items:
        print(f"browser check: {kind}: {message}", file=sys.stderr)
    took = time.monotonic() - started
    print(f"browser check: screenshots in {SHOTS.relative_to(ROOT) if SHOTS.is_relative_to(ROOT) else SHOTS}")
    print(f"browser check: {took:.1f} s")
    print(f"browser check: {failures.checks - len(failures.items)} passed, {len(failures.items)} failed")
    return 1 if failures.items else 0


if __name__ == "__main__":
    sys.exit(main())
