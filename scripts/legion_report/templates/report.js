// Sortable and filterable tables; nothing else. The page's CSP allows this script by its hash.
(function () {
  "use strict";
  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) return { num: false, value: "" };
    var v = cell.getAttribute("data-v");
    if (v !== null && v !== "") return { num: true, value: parseFloat(v) };
    return { num: false, value: cell.textContent.trim().toLowerCase() };
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var descending = th.getAttribute("aria-sort") === "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellKey(a, index), y = cellKey(b, index), r;
      if (x.num && y.num) r = x.value - y.value;
      else if (x.num !== y.num) r = x.num ? -1 : 1;  // numbers before blanks
      else r = x.value < y.value ? -1 : (x.value > y.value ? 1 : 0);
      return descending ? -r : r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function count(id) {
    var table = document.getElementById(id), label = document.querySelector('.count[data-for="' + id + '"]');
    if (!table || !label || !table.tBodies[0]) return;
    var rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) if (!rows[i].hidden) shown++;
    label.textContent = shown + " of " + rows.length + " rows";
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.title = "sort by this column";
      th.addEventListener("click", function () { sortBy(table, index, th); });
    });
  });
  document.querySelectorAll("input.filter").forEach(function (input) {
    var id = input.getAttribute("data-for");
    count(id);
    input.addEventListener("input", function () {
      var table = document.getElementById(id);
      if (!table || !table.tBodies[0]) return;
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      count(id);
    });
  });
})();
