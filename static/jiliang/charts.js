// Draws the ECharts charts of a page. Each <div class="jl-chart" data-chart="..." data-source="id">
// reads its series from the <script type="application/json" id="id"> the server rendered.
(function () {
  "use strict";

  function draw(element) {
    var data = JSON.parse(document.getElementById(element.dataset.source).textContent);
    var series = data[element.dataset.chart];
    var chart = echarts.init(element);
    chart.setOption({ animation: false });
    var points = series.map(function (point) {
      return { name: point.name, value: point.value, itemStyle: { color: point.color } };
    });
    if (element.dataset.chart === "labels") {
      chart.setOption({
        tooltip: { trigger: "item" },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["40%", "70%"], data: points,
                   label: { formatter: "{b}: {c}" } }],
      });
    } else {
      chart.setOption({
        tooltip: {},
        // Every category named, however narrow the chart: hidden labels leave bars unnamed.
        xAxis: { type: "category", data: series.map(function (p) { return p.name; }),
                 axisLabel: { interval: 0, hideOverlap: false } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: points, label: { show: true, position: "top" } }],
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".jl-chart").forEach(draw);
  });
})();
