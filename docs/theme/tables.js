// 手机上表格按行叠起来时，给每个格子标上它那一列的表头。
// On a phone each table row stacks into a card (theme/site.css); this copies
// every column's heading into its cells' data-label so a cell still says
// which column it belongs to.
(function () {
    "use strict";
    // 表格里的英文单词和代码不在中间换行：短的整个不拆，长的只在“.”“::”“/”“(”之后换行。
    // In a table cell, a Latin word or a piece of code wraps only at a
    // space; one longer than LONG also after ".", "::", "/" or "(" (a <wbr>
    // there). Each piece is a nowrap span, so the browser cannot cut
    // "socket.SOCK_STREAM" inside a name, nor "--step" or "http-raw" after
    // a hyphen (theme/site.css).
    var LONG = 24;
    var AFTER = /(::|[./(])(?=[^\s)])/;
    function whole(text) {
        var span = document.createElement("span");
        span.className = "whole-word";
        span.textContent = text;
        return span;
    }
    function pieces(word) {
        var out = document.createDocumentFragment();
        if (word.length <= LONG) {
            out.appendChild(whole(word));
            return out;
        }
        var rest = word;
        var m;
        while ((m = AFTER.exec(rest)) !== null) {
            var cut = m.index + m[1].length;
            out.appendChild(whole(rest.slice(0, cut)));
            out.appendChild(document.createElement("wbr"));
            rest = rest.slice(cut);
        }
        if (rest) {
            out.appendChild(whole(rest));
        }
        return out;
    }
    document.querySelectorAll("main table td, main table th").forEach(function (cell) {
        var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        var texts = [];
        for (var node = walker.nextNode(); node; node = walker.nextNode()) {
            texts.push(node);
        }
        texts.forEach(function (text) {
            // Runs of Latin letters, digits, ASCII punctuation and the en
            // dash of a range (10–18) are words;
            // Chinese text around them may wrap anywhere, as usual.
            var parts = text.data.split(/([\x21-\x7e\u2013]+)/);
            if (parts.length === 1) {
                return;
            }
            var out = document.createDocumentFragment();
            parts.forEach(function (part, i) {
                if (part !== "") {
                    out.appendChild(i % 2 === 1 ? pieces(part) : document.createTextNode(part));
                }
            });
            text.parentNode.replaceChild(out, text);
        });
    });
    document.querySelectorAll("main table").forEach(function (table) {
        var headings = Array.prototype.map.call(
            table.querySelectorAll("thead th, thead td"),
            function (th) { return th.textContent.trim(); }
        );
        if (headings.length === 0) {
            return;
        }
        table.querySelectorAll("tbody tr").forEach(function (row) {
            Array.prototype.forEach.call(row.children, function (cell, i) {
                if (i < headings.length) {
                    cell.setAttribute("data-label", headings[i]);
                }
            });
        });
    });
})();
