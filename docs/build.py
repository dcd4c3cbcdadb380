#!/usr/bin/env python3
"""Builds the book as a website: mdBook's pages plus a search index.

    python3 docs/build.py            # target/book/, with target/book/pagefind/
    python3 docs/build.py --serve    # the same, then serve it on 127.0.0.1:3000

The site goes to target/book, not to mdBook's docs/book: `mdbook serve docs`
rebuilds docs/book on every change and would delete the search index of a
site served from there.

mdBook's own search does not segment Chinese, so the book is indexed with
Pagefind (`pip install 'pagefind[extended]'`), whose extended build does.
The search box is docs/theme/search.js. Search needs the pages served over
HTTP (`--serve`); a page opened as a file says so in its search box.

check.py and browser_check.py build through here too.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent
BOOK = Path(os.environ.get("CARGO_TARGET_DIR", DOCS.parent / "target")) / "book"
MDBOOK_VERSION = "0.5.4"
# Pages that are not chapters: they would only repeat the chapters' words
# (print.html holds the whole book) or hold none (toc.html, 404.html).
# index.html is a copy of the first chapter.
NOT_INDEXED = {"print.html", "toc.html", "404.html", "index.html"}
# Han characters. Pagefind cuts Chinese into words with one segmenter when
# it indexes and the browser's (Intl.Segmenter) when it searches; the two
# disagree ("套接字" is 套+接字 in one, 套接+字 in the other), so a search
# finds a fraction of the pages. The index gets one character per word
# instead, and theme/search.js searches for the characters as an exact
# phrase: every page that has the word, and only those.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
BETWEEN_HAN = re.compile(f"(?<=[{HAN}])(?=[{HAN}])")
TAG = re.compile(r"(<[^>]*>)")


class BuildError(Exception):
    pass


def mdbook():
    found = shutil.which("mdbook")
    if found:
        return found
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    pinned = cache / "chapter15-tools" / f"mdbook-{MDBOOK_VERSION}" / "bin" / "mdbook"
    if pinned.is_file():
        return str(pinned)
    raise BuildError(
        "没有找到 mdbook / mdbook is not installed: "
        f"cargo install mdbook --locked --version {MDBOOK_VERSION}"
    )


def pagefind_command():
    """How to run Pagefind: the `pagefind` module pip installs, else a binary."""
    probe = subprocess.run(
        [sys.executable, "-m", "pagefind", "--version"], capture_output=True, text=True
    )
    if probe.returncode == 0:
        return [sys.executable, "-m", "pagefind"]
    for name in ("pagefind_extended", "pagefind"):
        found = shutil.which(name)
        if found:
            return [found]
    raise BuildError(
        "没有找到 Pagefind，无法生成搜索索引 / Pagefind is not installed: "
        "python3 -m pip install 'pagefind[extended]'"
    )


def han_apart(html):
    """The page with a space between any two Han characters of its text,
    also where a tag stands between them (见<a>教师指南</a>)."""
    out, last = [], ""
    for part in TAG.split(html):
        if part.startswith("<") or not part:
            out.append(part)
            continue
        if last and BETWEEN_HAN.match(last[-1] + part[0], 1):
            part = " " + part
        out.append(BETWEEN_HAN.sub(" ", part))
        last = part
    return "".join(out)


# mdBook's theme labels its buttons in English; the book is Chinese. Each
# label is replaced wherever the theme writes it (the pages, and book.js,
# which also compares the titles it toggles, so every copy changes alike).
LABELS = {
    "Toggle Table of Contents": "显示或隐藏目录",
    "Table of contents": "目录",
    "Change theme": "更换配色",
    "Themes": "配色",
    "Print this book": "打印本书",
    "Previous chapter": "上一页",
    "Next chapter": "下一页",
    "Page navigation": "翻页",
    "Copy to clipboard": "复制到剪贴板",
    "Copied!": "已复制",
    "Show hidden lines": "显示隐藏的行",
    "Hide lines": "隐藏这些行",
    "Keyboard shortcuts": "键盘快捷键",
    "Press <kbd>←</kbd> or <kbd>→</kbd> to navigate between chapters":
        "按 <kbd>←</kbd> 或 <kbd>→</kbd> 翻到上一页或下一页</p><p>按 <kbd>S</kbd> 或 <kbd>/</kbd> 搜索本书",
    "Press <kbd>?</kbd> to show this help": "按 <kbd>?</kbd> 显示这段帮助",
    "Press <kbd>Esc</kbd> to hide this help": "按 <kbd>Esc</kbd> 关闭这段帮助",
}
# The forms in which the theme writes a label.
LABEL_FORMS = ('"{}"', "'{}'", ">{}<")


def localize(out):
    """The theme's English labels in Chinese, in the built pages and scripts.
    Fails if a label is no longer in the theme (a new mdBook version), so
    that LABELS is brought up to date rather than silently left behind."""
    files = [p for p in Path(out).rglob("*") if p.suffix in (".html", ".js")
             and "pagefind" not in p.parts]
    unseen = set(LABELS)
    for file in files:
        text = original = file.read_text(encoding="utf-8")
        for english, chinese in LABELS.items():
            for form in LABEL_FORMS:
                if form.format(english) in text:
                    text = text.replace(form.format(english), form.format(chinese))
                    unseen.discard(english)
            if english.startswith("Press") and english in text:
                text = text.replace(english, chinese)
                unseen.discard(english)
        if text != original:
            file.write_text(text, encoding="utf-8")
    if unseen:
        raise BuildError("mdBook's theme no longer has these labels; update LABELS in "
                         "docs/build.py: " + ", ".join(sorted(unseen)))


def build(src=DOCS, out=None):
    """Builds the book in `src` into `out` (default: target/book) and indexes it.

    Returns (mdbook stderr, a one-line summary)."""
    out = Path(out).resolve() if out else BOOK
    started = time.monotonic()
    result = subprocess.run(
        [mdbook(), "build", str(src), "--dest-dir", str(out)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise BuildError("mdbook build failed:\n" + result.stderr)
    built = time.monotonic()
    localize(out)
    pages = index(out)
    done = time.monotonic()
    summary = (
        f"{pages} pages in {out}, built in {built - started:.2f} s, "
        f"search index in {done - built:.2f} s"
    )
    return result.stderr, summary


def index(out, skip=()):
    """Writes the search index of the built book in `out` to out/pagefind;
    returns how many pages it holds. Pages named in `skip` stay out."""
    out = Path(out)
    pages = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*.html")
        if p.name not in NOT_INDEXED and "pagefind" not in p.parts
        and p.relative_to(out).as_posix() not in skip
    )
    if not pages:
        raise BuildError(f"mdbook wrote no pages into {out}")
    shutil.rmtree(out / "pagefind", ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="book-index-") as spaced:
        for page in pages:
            target = Path(spaced) / page
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(han_apart((out / page).read_text(encoding="utf-8")),
                              encoding="utf-8")
        result = subprocess.run(
            # For a Chinese site Pagefind's search splits a Latin query into
            # letters ("qwerty" finds every page with a q and a w …), and
            # indexing as English instead loses Han words next to Chinese
            # punctuation. So the index stays Chinese and theme/search.js
            # keeps only the results whose text has the word.
            pagefind_command()
            + ["--site", spaced, "--output-path", str(out / "pagefind"),
               "--root-selector", "main", "--quiet"],
            capture_output=True, text=True,
        )
    if result.returncode != 0 or not (out / "pagefind" / "pagefind.js").is_file():
        raise BuildError("pagefind failed:\n" + result.stdout + result.stderr)
    return len(pages)


def serve(directory, port):
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        print(f"本书在 / the book is at http://127.0.0.1:{httpd.server_address[1]}/ (Ctrl-C 停止 / to stop)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


def main():
    args = sys.argv[1:]
    unknown = [a for a in args if a not in ("--serve",)]
    if unknown:
        print(f"用法 / usage: python3 docs/build.py [--serve]  (unknown: {' '.join(unknown)})",
              file=sys.stderr)
        return 2
    try:
        _, summary = build()
    except BuildError as err:
        print(err, file=sys.stderr)
        return 1
    print("book:", summary)
    if "--serve" in args:
        try:
            serve(BOOK, int(os.environ.get("PORT", "3000")))
        except OSError as err:
            print(f"无法在 127.0.0.1 上提供本书 / cannot serve the book: {err} "
                  "(另选端口 / pick another port: PORT=3001 python3 docs/build.py --serve)",
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
