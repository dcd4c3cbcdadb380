// 全书搜索：中文、英文都能搜。按 S 或 / 打开；链接 页面.html?search=词 打开就带着结果。
// Search the book with Pagefind, which segments Chinese (mdBook's own search
// does not). docs/build.py writes the index to pagefind/ beside the pages.
// The box sits under the menu bar; `?search=WORD` on any page opens it with
// that word's results, as mdBook's search did, and the URL follows what is
// typed so a search can be shared. #book-search carries data-state
// (idle, loading, done, empty, error) and data-term (the word whose search
// ended) for people and tests alike.
(function () {
    "use strict";

    var root = typeof path_to_root === "string" ? path_to_root : "";
    var rootUrl = new URL(root || "./", window.location.href);
    var bundle = new URL("pagefind/", rootUrl).href;
    var HIGHLIGHT = "highlight";
    // Han characters: the index holds them one per word (docs/build.py).
    var HAN = "[\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff]";
    var BETWEEN_HAN = new RegExp("(" + HAN + ")(?=" + HAN + ")", "g");
    var SPACED_HAN = new RegExp("(" + HAN + "(?:</mark>)?) (?=(?:</mark>)?(?:<mark>)?" + HAN + ")", "g");

    // 套接字 -> "套 接 字": its characters, next to each other. Several
    // words: each word's characters, anywhere on the page.
    function pagefindQuery(term) {
        if (/["]/.test(term)) {
            return term;
        }
        var words = term.split(/\s+/);
        var spaced = words.map(function (w) { return w.replace(BETWEEN_HAN, "$1 "); });
        if (words.length === 1 && spaced[0] !== words[0]) {
            return '"' + spaced[0] + '"';
        }
        return spaced.join(" ");
    }

    function unspaced(text) {
        return (text || "").replace(SPACED_HAN, "$1");
    }

    // Pagefind also returns near matches: a stem ("connections" finds
    // "connect"), or a shorter word the query starts with ("zzzz" finds
    // "z"). A page counts only if its text has every word searched for: a
    // Latin word at the start of a word, in any case; a Chinese word
    // anywhere; "a phrase" as written.
    function escapeRegExp(text) {
        return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }

    function hasEvery(content, term) {
        var text = unspaced(content);
        var quoted = /^"(.*)"$/.exec(term);
        var words = quoted ? [quoted[1]] : term.split(/\s+/);
        return words.every(function (word) {
            if (/^[\x00-\x7f]+$/.test(word)) {
                return new RegExp("(^|[^A-Za-z0-9_])" + escapeRegExp(word), "i").test(text);
            }
            return text.indexOf(word) >= 0;
        });
    }

    var menuButtons = document.querySelector("#mdbook-menu-bar .left-buttons");
    var menuBar = document.getElementById("mdbook-menu-bar");
    if (!menuButtons || !menuBar) {
        return;
    }

    // The button, beside mdBook's own ones.
    var toggle = document.createElement("button");
    toggle.id = "book-search-toggle";
    toggle.className = "icon-button";
    toggle.type = "button";
    toggle.title = "搜索 / Search (S 或 /)";
    toggle.setAttribute("aria-label", "搜索 / Search");
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", "book-search");
    toggle.setAttribute("aria-keyshortcuts", "/ s");
    toggle.innerHTML =
        '<svg viewBox="0 0 16 16" aria-hidden="true">' +
        '<circle cx="6.5" cy="6.5" r="5" fill="none" stroke="currentColor" stroke-width="2"/>' +
        '<line x1="10.2" y1="10.2" x2="15" y2="15" stroke="currentColor" stroke-width="2.4" ' +
        'stroke-linecap="round"/></svg>';
    menuButtons.appendChild(toggle);

    // The panel: a search field, a status line and the results.
    var panel = document.createElement("div");
    panel.id = "book-search";
    panel.className = "hidden";
    panel.setAttribute("role", "search");
    panel.dataset.state = "idle";
    panel.innerHTML =
        '<input type="search" id="book-search-input" class="searchbar" ' +
        'placeholder="搜索本书 / Search this book" aria-label="搜索本书 / Search this book" ' +
        'autocomplete="off" aria-controls="book-search-results">' +
        '<p class="book-search-note" id="book-search-status" aria-live="polite"></p>' +
        '<ul id="book-search-results" class="searchresults"></ul>';
    menuBar.parentNode.insertBefore(panel, menuBar.nextSibling);
    var input = panel.querySelector("#book-search-input");
    var status = panel.querySelector("#book-search-status");
    var list = panel.querySelector("#book-search-results");

    var pagefind = null;
    var loading = null;

    function say(state, text, term) {
        panel.dataset.state = state;
        panel.dataset.term = term || "";
        status.textContent = text;
    }

    function load() {
        if (loading) {
            return loading;
        }
        if (window.location.protocol === "file:") {
            loading = Promise.reject(new Error(
                "直接打开文件时不能搜索，请用 python3 docs/build.py --serve 打开本书 / " +
                "search needs a web server: python3 docs/build.py --serve"));
            return loading;
        }
        loading = import(bundle + "pagefind.js").then(function (module) {
            pagefind = module;
            return pagefind.options({
                baseUrl: rootUrl.pathname,
                excerptLength: 24,
            });
        }).catch(function (err) {
            console.warn("pagefind:", err);
            throw new Error(
                "没有找到搜索索引，请用 python3 docs/build.py 构建本书 / " +
                "no search index: build the book with python3 docs/build.py");
        });
        return loading;
    }

    // Pagefind's excerpts are plain text with <mark> around the hits.
    function excerptHtml(excerpt) {
        var div = document.createElement("div");
        div.textContent = excerpt || "";
        return unspaced(div.innerHTML.replace(/&lt;(\/?)mark&gt;/g, "<$1mark>"));
    }

    // The result's address, with ?highlight= for the page to mark the word.
    function withHighlight(url, term) {
        var u = new URL(url, window.location.href);
        u.searchParams.set(HIGHLIGHT, term);
        return u.href;
    }

    function resultItem(data, term) {
        var li = document.createElement("li");
        li.className = "book-search-result";
        var link = document.createElement("a");
        link.href = withHighlight(data.url, term);
        link.textContent = unspaced((data.meta && data.meta.title) || data.url);
        li.appendChild(link);
        var teaser = document.createElement("span");
        teaser.className = "teaser";
        var best = (data.sub_results && data.sub_results[0]) || data;
        if (best !== data && best.url) {
            link.href = withHighlight(best.url, term);
            var heading = unspaced(best.title);
            if (heading && heading !== link.textContent) {
                link.textContent += " › " + heading;
            }
        }
        teaser.innerHTML = excerptHtml(best.excerpt);
        li.appendChild(teaser);
        return li;
    }

    var latest = 0;

    function search(term) {
        var mine = ++latest;
        term = term.trim();
        setUrl(term);
        list.textContent = "";
        if (term === "") {
            say("idle", "");
            return;
        }
        say("loading", "正在搜索… / searching…");
        load().then(function () {
            return pagefind.search(pagefindQuery(term));
        }).then(function (found) {
            // The book has a few dozen pages: check them all, show 20.
            var candidates = found.results.slice(0, 200);
            return Promise.all(candidates.map(function (r) { return r.data(); })).then(function (all) {
                var real = all.filter(function (data) { return hasEvery(data.content, term); });
                return { total: real.length, all: real.slice(0, 20) };
            });
        }).then(function (got) {
            if (mine !== latest) {
                return;
            }
            got.all.forEach(function (data) { list.appendChild(resultItem(data, term)); });
            if (got.total === 0) {
                say("empty", "没有找到“" + term + "” / no results for “" + term + "”", term);
            } else {
                say("done", "“" + term + "”：" + got.total + " 个页面 / " + got.total + " pages", term);
            }
        }).catch(function (err) {
            if (mine === latest) {
                say("error", err.message, term);
            }
        });
    }

    function setUrl(term) {
        var url = new URL(window.location.href);
        if (term) {
            url.searchParams.set("search", term);
        } else {
            url.searchParams.delete("search");
        }
        window.history.replaceState(window.history.state, "", url.href);
    }

    function open(term) {
        panel.classList.remove("hidden");
        toggle.setAttribute("aria-expanded", "true");
        if (typeof term === "string") {
            input.value = term;
            search(term);
        }
        input.focus();
        load().catch(function (err) { say("error", err.message, input.value.trim()); });
    }

    function close() {
        panel.classList.add("hidden");
        toggle.setAttribute("aria-expanded", "false");
        setUrl("");
        toggle.focus();
    }

    var timer = null;
    input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { search(input.value); }, 200);
    });
    input.addEventListener("keydown", function (e) {
        if (e.key === "Escape") {
            e.preventDefault();
            close();
        } else if (e.key === "Enter") {
            e.preventDefault();
            var first = list.querySelector("a");
            if (first) {
                window.location.href = first.href;
            }
        } else if (e.key === "ArrowDown") {
            var top = list.querySelector("a");
            if (top) {
                e.preventDefault();
                top.focus();
            }
        }
    });
    // Up and down walk through the results; Escape closes.
    list.addEventListener("keydown", function (e) {
        var links = Array.prototype.slice.call(list.querySelectorAll("a"));
        var at = links.indexOf(document.activeElement);
        if (e.key === "ArrowDown" && at >= 0 && at + 1 < links.length) {
            e.preventDefault();
            links[at + 1].focus();
        } else if (e.key === "ArrowUp" && at >= 0) {
            e.preventDefault();
            (at === 0 ? input : links[at - 1]).focus();
        } else if (e.key === "Escape") {
            e.preventDefault();
            close();
        }
    });
    toggle.addEventListener("click", function () {
        if (panel.classList.contains("hidden")) {
            open();
        } else {
            close();
        }
    });
    document.addEventListener("keydown", function (e) {
        if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) {
            return;
        }
        var target = e.composedPath()[0] || e.target;
        if (/^(?:input|select|textarea)$/i.test(target.nodeName)) {
            return;
        }
        if (e.key === "/" || e.key === "s" || e.key === "S") {
            e.preventDefault();
            open();
        }
    });

    var params = new URLSearchParams(window.location.search);
    if (params.get("search")) {
        open(params.get("search"));
    }
    // A result's link carries ?highlight=WORD: mark the word on that page.
    if (params.get(HIGHLIGHT) && window.location.protocol !== "file:") {
        import(bundle + "pagefind-highlight.js").then(function (module) {
            new module.default({
                highlightParam: HIGHLIGHT,
                markContext: "main",
                addStyles: false,
                markOptions: { className: "pagefind-highlight" },
            });
        }).catch(function (err) { console.warn("pagefind highlight:", err); });
    }
})();
