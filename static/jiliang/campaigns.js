// Draws the charts of a campaign's dashboard (ECharts). Each <div class="jl-chart"
// data-chart="achievement|trend|national" data-source="id"> reads its data from the
// <script type="application/json" id="id"> the server rendered: no inline script (CSP).
(function () {
  "use strict";

  var NO_QUOTA = "#adb5bd";

  function achievement(data, element) {
    // Horizontal bars in the table's order (top to bottom): region names stay readable.
    var points = data.achievement.slice().reverse();
    element.style.height = Math.max(288, points.length * 24 + 56) + "px";
    return {
      grid: { left: 16, right: 56, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) {
          var point = points[items[0].dataIndex];
          return point.name + ": " + (point.value === null ? "—" : point.value + " %");
        },
      },
      xAxis: { type: "value", axisLabel: { formatter: "{value} %" } },
      yAxis: {
        type: "category", data: points.map(function (p) { return p.name; }),
        axisLabel: { interval: 0 },
      },
      series: [{
        type: "bar",
        data: points.map(function (p) {
          return { value: p.value === null ? 0 : p.value, itemStyle: { color: p.color || NO_QUOTA } };
        }),
        label: {
          show: true, position: "right",
          formatter: function (p) { return points[p.dataIndex].value === null ? "—" : p.value + " %"; },
        },
        markLine: {
          silent: true, symbol: "none", lineStyle: { color: "#198754", type: "dashed" },
          data: [{ xAxis: 100 }], label: { show: false },
        },
      }],
    };
  }

  function trend(data) {
    var colours = ["#0b5394", "#6f42c1", "#20c997"];
    return {
      grid: { left: 16, right: 24, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.trend.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: data.trend.series.map(function (series, index) {
        return {
          name: series.name, type: "line", data: series.data, symbolSize: 6,
          lineStyle: { width: index === 0 ? 3 : 1.5, type: index === 0 ? "solid" : "dashed" },
          itemStyle: { color: colours[index % colours.length] },
        };
      }),
    };
  }

  function national(data, element) {
    var points = data.national.slice().reverse();
    element.style.height = Math.max(288, points.length * 28 + 48) + "px";
    return {
      grid: { left: 16, right: 64, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        valueFormatter: function (value) { return value + " %"; },
      },
      xAxis: { type: "value", axisLabel: { formatter: "{value} %" } },
      yAxis: { type: "category", data: points.map(function (p) { return p.name; }) },
      series: [{
        type: "bar", data: points.map(function (p) { return p.value; }),
        itemStyle: { color: "#0b5394" },
        label: { show: true, position: "right", formatter: "{c} %" },
      }],
    };
  }

  var CHARTS = { achievement: achievement, trend: trend, national: national };

  function draw(element) {
    var data = JSON.parse(document.getElementById(element.dataset.source).textContent);
    var build = CHARTS[element.dataset.chart];
    if (!build) return;
    var option = build(data, element);
    var chart = echarts.init(element);
    chart.setOption(Object.assign({ animation: false }, option));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".jl-chart[data-chart]").forEach(draw);
  });
})();
