/* Dashboard charts: Apache ECharts (served from static/vendor), SVG so they print sharply.
   Every chart draws the rows of the table beside it. Okabe–Ito colours plus dashes and bar
   patterns keep series apart for colour-blind readers and in black-and-white print. Clicking a
   region's bar moves the whole dashboard to that region. */
(function () {
  "use strict";

  var OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];
  var SYMBOLS = ["circle", "triangle", "rect", "diamond", "pin", "arrow"];

  function option(spec, dark) {
    var ink = dark ? "#f2f5f8" : "#1f2328";
    var grid = dark ? "#24425f" : "#d8dee4";
    var horizontal = !!spec.horizontal;
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: { color: ink, interval: horizontal ? 0 : "auto", hideOverlap: true },
      axisLine: { lineStyle: { color: grid } },
    };
    var valueAxis = {
      type: "value",
      axisLabel: { color: ink },
      splitLine: { lineStyle: { color: grid } },
    };
    return {
      color: OKABE_ITO,
      animation: false,
      aria: { enabled: true, decal: { show: spec.kind === "bar" && spec.series.length > 1 } },
      textStyle: { fontFamily: "inherit", color: ink },
      tooltip: { trigger: "axis", confine: true },
      legend: { show: spec.series.length > 1, top: 0, textStyle: { color: ink } },
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 30 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (s, i) {
        var series = {
          name: s.name,
          type: spec.kind,
          data: s.data,
          connectNulls: false,
          stack: spec.stack ? "total" : undefined,
          cursor: spec.drill ? "pointer" : "default",
        };
        if (spec.kind === "line") {
          series.symbol = SYMBOLS[i % SYMBOLS.length];
          series.symbolSize = 7;
          series.lineStyle = { width: 2.5, type: s.dashed ? "dashed" : "solid" };
        }
        return series;
      }),
    };
  }

  function draw() {
    var holder = document.getElementById("dashboard-charts");
    if (!holder || typeof window.echarts === "undefined") return;
    var specs = JSON.parse(holder.textContent);
    var dark = document.body.classList.contains("screen");
    var charts = [];
    specs.forEach(function (spec) {
      var el = document.getElementById("chart-" + spec.id);
      if (!el) return;
      if (!spec.categories.length) {
        el.hidden = true;
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(spec, dark));
      if (spec.drill) {
        chart.on("click", function (params) {
          var url = spec.drill[params.dataIndex];
          if (url) window.location.href = url;
        });
      }
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
