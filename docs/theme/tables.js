// 手机上表格按行叠起来时，给每个格子标上它那一列的表头。
// On a phone each table row stacks into a card (theme/site.css); this copies
// every column's heading into its cells' data-label so a cell still says
// which column it belongs to.
(function () {
    "use strict";
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
