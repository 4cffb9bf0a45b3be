// Sort tables by clicking their headers; the rank column breaks ties. No network.
(function () {
  "use strict";
  function sortKey(row, column) {
    return row.cells[column].getAttribute("data-sort") || "";
  }
  function sortBy(table, button) {
    var column = Number(button.getAttribute("data-column"));
    var numeric = button.getAttribute("data-type") === "number";
    var header = button.parentNode;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a, column);
      var y = sortKey(b, column);
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      if (!ascending) {
        order = -order;
      }
      if (order === 0) {
        order = Number(a.getAttribute("data-rank")) - Number(b.getAttribute("data-rank"));
      }
      return order;
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th button[data-column]").forEach(function (button) {
      button.addEventListener("click", function () {
        sortBy(table, button);
      });
    });
  });
  document.documentElement.setAttribute("data-ready", "true");
})();
