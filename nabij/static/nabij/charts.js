// Draws every chart on the page from its JSON data island; each chart also has a data table.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#1f5fa6", "#b35900", "#2e7d32", "#8e24aa", "#c62828", "#00838f",
                 "#6d4c41", "#5c6bc0", "#ad1457", "#827717"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.series.map(function (s, i) {
      var colour = palette[i % palette.length];
      return {label: s.label, data: s.data, backgroundColor: colour, borderColor: colour,
              borderWidth: spec.type === "line" ? 2 : 0, pointRadius: 0, tension: 0.2};
    });
    new Chart(canvas, {
      type: spec.type,
      data: {labels: spec.labels, datasets: datasets},
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        plugins: {legend: {position: "bottom"}},
        scales: {x: {stacked: !!spec.stacked}, y: {stacked: !!spec.stacked, beginAtZero: true}}
      }
    });
  });
})();
