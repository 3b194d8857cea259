// Draws the charts of a questionnaire's results (ECharts). Each <div class="jl-chart"
// data-chart="q<question id>" data-source="id"> reads its data from the
// <script type="application/json" id="id"> the server rendered: no inline script (CSP).
// A choice question is a horizontal bar per option; a matrix a stacked bar per row.
(function () {
  "use strict";

  function rowsHeight(element, count) {
    element.style.height = Math.max(160, count * 28 + 64) + "px";
  }

  function bars(data, element) {
    var labels = data.labels.slice().reverse();
    rowsHeight(element, labels.length);
    return {
      grid: { left: 8, right: 40, top: 8, bottom: 24, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels,
               axisLabel: { interval: 0, width: 160, overflow: "truncate" } },
      series: [{ type: "bar", data: data.values.slice().reverse(), itemStyle: { color: "#0b5394" },
                 label: { show: true, position: "right" } }],
    };
  }

  function stacked(data, element) {
    var labels = data.labels.slice().reverse();
    rowsHeight(element, labels.length + 1);
    return {
      grid: { left: 8, right: 16, top: 40, bottom: 24, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels,
               axisLabel: { interval: 0, width: 160, overflow: "truncate" } },
      series: data.scale.map(function (point, index) {
        return { name: point, type: "bar", stack: "answers",
                 data: data.values[index].slice().reverse() };
      }),
    };
  }

  function draw(element) {
    var all = JSON.parse(document.getElementById(element.dataset.source).textContent);
    var data = all[element.dataset.chart];
    if (!data) { return; }
    var option = data.kind === "stacked" ? stacked(data, element) : bars(data, element);
    var chart = echarts.init(element);
    chart.setOption(Object.assign({ animation: false }, option));
    element.dataset.drawn = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".jl-chart[data-source='survey-chart-data']").forEach(draw);
  });
})();
