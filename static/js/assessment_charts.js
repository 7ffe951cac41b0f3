// The county assessment's charts (年终考核), drawn with Chart.js (chartkick/Chart.bundle.js, served
// from the portal's own static files). Each <canvas data-chart="ID"> draws the JSON of the
// element #ID (Django's json_script: {kind, labels, series: [{label, values}], lines: [{label,
// value}], unit}); the table beside the chart holds the same figures. Canvases have a fixed size
// and no animation, so a chart prints as it is drawn. A drawn canvas gets data-chart-drawn="1".
(function () {
  if (!window.Chart) {
    return;
  }
  var COLOURS = ["#1f5fa8", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#117a8b", "#6e2c00", "#566573"];
  var LINE_COLOURS = ["#c0392b", "#2e8b57", "#7d3c98"];
  Chart.defaults.font.family = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
  Chart.defaults.color = "#333";

  function datasets(data) {
    var bars = data.kind !== "years";
    var sets = data.series.map(function (series, index) {
      var colour = COLOURS[index % COLOURS.length];
      return {
        type: bars ? "bar" : "line",
        label: series.label,
        data: series.values,
        backgroundColor: bars ? colour + "cc" : colour,
        borderColor: colour,
        borderWidth: bars ? 0 : 2,
        pointStyle: bars ? "rect" : "circle",
        maxBarThickness: 64,
        spanGaps: false,
        order: 2,
      };
    });
    data.lines.forEach(function (line, index) {
      var colour = LINE_COLOURS[index % LINE_COLOURS.length];
      sets.push({
        type: "line",
        label: line.label + "：" + line.value,
        data: data.labels.map(function () { return line.value; }),
        borderColor: colour,
        backgroundColor: colour,
        borderDash: [6, 4],
        borderWidth: 2,
        // One township (a chair's chart): no line to draw between two points, so the value is
        // marked by a wide horizontal stroke instead.
        pointRadius: data.labels.length === 1 ? 48 : 0,
        pointHoverRadius: data.labels.length === 1 ? 48 : 4,
        pointStyle: "line",
        order: 1,
      });
    });
    return sets;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var percent = data.unit === "%";
    new Chart(canvas, {
      type: data.kind === "years" ? "line" : "bar",
      data: { labels: data.labels, datasets: datasets(data) },
      options: {
        animation: false,
        responsive: false,
        devicePixelRatio: 2,
        layout: { autoPadding: data.labels.length !== 1 },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, boxWidth: 24 } },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = context.parsed.y;
                return context.dataset.label + "：" + (value === null ? "—" : value + (percent ? "%" : ""));
              },
            },
          },
        },
        scales: {
          x: { ticks: { autoSkip: false, maxRotation: 60 } },
          y: { beginAtZero: true, suggestedMax: percent ? 100 : undefined, title: { display: true, text: data.unit } },
        },
      },
    });
    canvas.setAttribute("data-chart-drawn", "1");
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
