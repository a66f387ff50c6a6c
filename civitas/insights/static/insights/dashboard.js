// Draws the dashboard charts from the figures the server embeds (json_script); every
// label comes translated from the server. The same figures are in the tables below.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var colors = ["#b3261e", "#d9480f", "#f08c00", "#2b8a3e", "#1f4e8c", "#862e9c", "#0b7285", "#5c940d", "#495057", "#c2255c", "#e67700", "#364fc7"];
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = window.echarts.init(element);
    option.color = colors;
    option.aria = { enabled: true };
    chart.setOption(option);
    charts.push(chart);
  }

  var trendSeries = [
    { name: data.labels.hours, type: "bar", data: data.hours },
    { name: data.labels.online_hours, type: "bar", data: data.online_hours }
  ];
  var axes = [{ type: "value", name: data.labels.hours }];
  if (data.new_volunteers) {
    trendSeries.push({ name: data.labels.new_volunteers, type: "line", yAxisIndex: 1, data: data.new_volunteers });
    axes.push({ type: "value", name: data.labels.new_volunteers });
  }
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 50, bottom: 40, top: 40 },
    xAxis: { type: "category", data: data.months },
    yAxis: axes,
    series: trendSeries
  });
  draw("chart-leading", {
    tooltip: { trigger: "axis" },
    grid: { left: 140, right: 20, bottom: 30, top: 10 },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: data.leading.map(function (row) { return row.name; }) },
    series: [{ name: data.labels.hours, type: "bar", data: data.leading.map(function (row) { return row.value; }) }]
  });
  draw("chart-status", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0, type: "scroll" },
    series: [{ name: data.labels.status, type: "pie", radius: ["35%", "65%"], data: data.status }]
  });
  draw("chart-category", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0, type: "scroll" },
    series: [{ name: data.labels.category, type: "pie", radius: "65%", data: data.category }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
})();
