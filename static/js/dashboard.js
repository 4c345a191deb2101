/* Dashboard charts: Apache ECharts (served from static/vendor), SVG so they print sharply.
   Every chart draws the rows of the table beside it. Okabe–Ito colours plus dashes and bar
   patterns keep series apart for colour-blind readers and in black-and-white print. Clicking a
   region's bar moves the whole dashboard to that region. */
(function () {
  "use strict";

  var OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];
  var SYMBOLS = ["circle", "triangle", "rect", "diamond", "pin", "arrow"];

  // Figures are written by the server (portal.numbers); here only axis ticks get separators.
  function tick(value) {
    return Number(value).toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  function escape(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function text(spec, seriesIndex, dataIndex) {
    var texts = spec.series[seriesIndex].texts;
    return texts ? texts[dataIndex] : "";
  }

  function option(spec, dark, width) {
    var ink = dark ? "#f2f5f8" : "#1f2328";
    var grid = dark ? "#24425f" : "#d8dee4";
    var horizontal = !!spec.horizontal;
    // Every category is named: when the names do not fit side by side they are turned, and long
    // ones cut with an ellipsis (the table beside the chart has them in full).
    var slot = (width || 400) / Math.max(spec.categories.length, 1);
    var longest = spec.categories.reduce(function (m, c) { return Math.max(m, String(c).length); }, 0);
    var bars = spec.kind === "bar";
    var turn = bars && !horizontal && longest * 13 > slot - 4;
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: {
        color: ink,
        // Months on a line thin out by themselves; a bar without its name would be unreadable.
        interval: bars ? 0 : "auto",
        hideOverlap: !bars,
        rotate: turn ? 35 : 0,
        width: bars ? (horizontal ? 120 : (turn ? 110 : Math.max(slot - 4, 24))) : undefined,
        overflow: bars ? "truncate" : "none",
      },
      axisLine: { lineStyle: { color: grid } },
    };
    var valueAxis = {
      type: "value",
      name: spec.axis_unit || "",
      nameTextStyle: { color: ink },
      axisLabel: { color: ink, formatter: tick },
      splitLine: { lineStyle: { color: grid } },
    };
    return {
      color: OKABE_ITO,
      animation: false,
      aria: { enabled: true, decal: { show: spec.kind === "bar" && spec.series.length > 1 } },
      textStyle: { fontFamily: "inherit", color: ink },
      tooltip: {
        trigger: "axis",
        confine: true,
        formatter: function (items) {
          // The tooltip is HTML: region and series names are escaped.
          var lines = [escape(items.length ? items[0].name : "")];
          items.forEach(function (p) {
            lines.push(p.marker + escape(p.seriesName) + "：" + escape(text(spec, p.seriesIndex, p.dataIndex) || "—"));
          });
          return lines.join("<br>");
        },
      },
      legend: { show: spec.series.length > 1, top: 0, textStyle: { color: ink } },
      grid: {
        left: 8,
        right: horizontal && spec.labels ? 64 : 16,  // room for the figure after the longest bar
        top: spec.series.length > 1 || spec.axis_unit ? 30 : 12,
        bottom: 8,
        containLabel: true,
      },
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
        if (spec.labels) {
          series.label = {
            show: true,
            position: horizontal ? "right" : "top",
            color: ink,
            fontSize: 11,
            formatter: function (p) { return text(spec, p.seriesIndex, p.dataIndex); },
          };
        }
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
      chart.setOption(option(spec, dark, el.clientWidth));
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
    window.dashboardCharts = charts;  // for the browser tests: what ECharts actually drew
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
