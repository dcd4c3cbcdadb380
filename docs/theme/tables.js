// 手机上表格按行叠起来时，给每个格子标上它那一列的表头。
// On a phone each table row stacks into a card (theme/site.css); this copies
// every column's heading into its cells' data-label so a cell still says
// which column it belongs to.
(function () {
    "use strict";
    // 表格里的代码只在“.”“::”“/”“(”之后换行，名字不会被拆开。
    // In a table, a code span may wrap after ".", "::", "/" or "(" (a <wbr>
    // there), so the browser never needs to cut "socket.SOCK_STREAM" inside
    // a name (theme/site.css keeps words whole).
    var AFTER = /(::|[./(])(?=[^\s)])/g;
    document.querySelectorAll("main table code").forEach(function (code) {
        var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        var texts = [];
        for (var node = walker.nextNode(); node; node = walker.nextNode()) {
            texts.push(node);
        }
        texts.forEach(function (text) {
            var parts = text.data.split(AFTER);
            if (parts.length === 1) {
                return;
            }
            var pieces = document.createDocumentFragment();
            // split() with a group: text, separator, text, separator, ...
            for (var i = 0; i < parts.length; i++) {
                if (parts[i] === "") {
                    continue;
                }
                pieces.appendChild(document.createTextNode(parts[i]));
                if (i % 2 === 1) {
                    pieces.appendChild(document.createElement("wbr"));
                }
            }
            text.parentNode.replaceChild(pieces, text);
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
