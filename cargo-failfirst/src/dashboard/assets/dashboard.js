// The handler table: sort by a column header's button, filter by crate, by question and
// by text. Works on the rows as written in the page; nothing is fetched.
(function () {
  "use strict";
  var table = document.getElementById("handler-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var crate = document.getElementById("filter-crate");
  var question = document.getElementById("filter-question");
  var text = document.getElementById("filter-text");
  var shown = document.getElementById("shown-count");

  function cellKey(row, column) {
    var cell = row.cells[column];
    var key = cell.getAttribute("data-sort");
    return key === null ? cell.textContent.trim().toLowerCase() : key;
  }

  function compare(a, b) {
    var numberA = Number(a), numberB = Number(b);
    if (a !== "" && b !== "" && !isNaN(numberA) && !isNaN(numberB)) {
      return numberA - numberB;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
    var button = header.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      // A stable sort on the column, the original order breaking ties.
      var keyed = rows.map(function (row, position) {
        return { row: row, key: cellKey(row, column), position: position };
      });
      keyed.sort(function (x, y) {
        var order = compare(x.key, y.key);
        if (!ascending) { order = -order; }
        return order !== 0 ? order : x.position - y.position;
      });
      keyed.forEach(function (item) { body.appendChild(item.row); });
    });
  });

  function matches(row) {
    if (crate.value && row.getAttribute("data-crate") !== crate.value) { return false; }
    var wanted = question.value;
    if (wanted) {
      var parts = wanted.split(":");
      var verdicts = ["q1", "q2", "q3", "q4"].map(function (q) { return row.getAttribute("data-" + q); });
      if (parts[0] === "any") {
        if (verdicts.indexOf(parts[1]) < 0) { return false; }
      } else if (row.getAttribute("data-" + parts[0]) !== parts[1]) {
        return false;
      }
    }
    var needle = text.value.trim().toLowerCase();
    return !needle || row.textContent.toLowerCase().indexOf(needle) >= 0;
  }

  function filter() {
    var count = 0;
    rows.forEach(function (row) {
      var visible = matches(row);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " handlers shown";
  }

  [crate, question].forEach(function (control) { control.addEventListener("change", filter); });
  text.addEventListener("input", filter);
  filter();
}());
