// Legend entries toggle their series; once the charts are laid out, the page records how many
// rendered (drawn with a non-empty box) in <body data-rendered="N" data-charts="M">.
(function () {
  "use strict";
  var charts = document.querySelectorAll("svg.chart");
  var rendered = 0;
  charts.forEach(function (chart) {
    var box = chart.getBoundingClientRect();
    var marks = chart.querySelectorAll(".mark").length;
    var empty = chart.querySelector(".empty") !== null;
    if (box.width > 0 && box.height > 0 && (marks > 0 || empty)) {
      rendered += 1;
      chart.setAttribute("data-drawn", String(marks));
    }
    chart.querySelectorAll(".legend").forEach(function (item) {
      item.addEventListener("click", function () {
        var name = item.getAttribute("data-series");
        var off = item.classList.toggle("off");
        chart.querySelectorAll("g[data-series]:not(.legend)").forEach(function (group) {
          if (group.getAttribute("data-series") === name) {
            group.classList.toggle("hidden", off);
          }
        });
      });
    });
  });
  document.body.setAttribute("data-charts", String(charts.length));
  document.body.setAttribute("data-rendered", String(rendered));
})();
