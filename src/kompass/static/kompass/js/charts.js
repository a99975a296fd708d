/* Bar charts for the tables of the atlas analysis (Chart.js from static/vendor/chart.js).
 *
 * Progressive enhancement: every value is in the data table next to the chart, so the page is
 * complete without JavaScript. The data comes from the json_script block "analysis-charts"
 * (slug -> labels, series, unit, summary); each placeholder [data-chart] gets a canvas with
 * role="img" and the German summary as its accessible name. No inline styles are written into
 * the markup; Chart.js sizes its canvas through the CSSOM, which the CSP allows.
 */
(function () {
  "use strict";

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  function cssColour(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  // Long category names break into lines of about 24 characters instead of being cut off.
  function wrap(label) {
    var lines = [];
    String(label).split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= 24) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines.length > 1 ? lines : String(label);
  }

  function datasets(spec, palette, ink) {
    var own = 0;
    return spec.series.map(function (series) {
      if (series.published) {
        // The study's values: hollow bars with a dark outline, told apart by shape, not colour.
        return {
          label: series.label,
          data: series.data,
          backgroundColor: "rgba(255, 255, 255, 0)",
          borderColor: ink,
          borderWidth: 2,
          maxBarThickness: 28,
        };
      }
      var colour = palette[own % palette.length];
      own += 1;
      return {
        label: series.label,
        data: series.data,
        backgroundColor: colour,
        borderColor: colour,
        maxBarThickness: 28,
      };
    });
  }

  function draw(box, spec, options) {
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", box.getAttribute("data-chart-label"));
    canvas.textContent = box.getAttribute("data-chart-label");
    box.appendChild(canvas);
    var labels = spec.vertical ? spec.labels : spec.labels.map(wrap);
    // One band per category, high enough for its bars and its label's lines (set through the
    // CSSOM); a year axis runs left to right at a fixed height.
    var bars = Math.max(spec.series.length, 1);
    var lines = labels.reduce(function (most, label) {
      return Math.max(most, Array.isArray(label) ? label.length : 1);
    }, 1);
    var band = Math.max(1.1 + 0.7 * bars, 1.3 * lines + 0.5);
    box.style.height = spec.vertical ? "22rem" : Math.max(12, spec.labels.length * band + 4) + "rem";
    var valueAxis = {
      beginAtZero: true,
      title: { display: Boolean(spec.unit), text: spec.unit },
      ticks: { precision: 0 },
      grid: { color: "#d5dbe1" },
    };
    var categoryAxis = { ticks: { autoSkip: Boolean(spec.vertical) }, grid: { display: false } };
    return new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets(spec, options.palette, options.ink) },
      options: {
        indexAxis: spec.vertical ? "x" : "y",
        responsive: true,
        maintainAspectRatio: false,
        locale: "de-DE",
        animation: options.reducedMotion ? false : { duration: 400 },
        plugins: {
          legend: { display: spec.series.length > 1, position: "bottom" },
          tooltip: { enabled: true },
        },
        scales: spec.vertical
          ? { x: categoryAxis, y: valueAxis }
          : { x: valueAxis, y: categoryAxis },
      },
    });
  }

  ready(function () {
    var source = document.getElementById("analysis-charts");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var specs = JSON.parse(source.textContent);
    var ink = cssColour("--ink", "#1b1f24");
    var options = {
      ink: ink,
      palette: [cssColour("--brand", "#0b4f8a"), cssColour("--focus", "#c25e00")],
      reducedMotion: window.matchMedia("(prefers-reduced-motion: reduce)").matches,
    };
    window.Chart.defaults.color = ink;
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.font.size = 14;
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var spec = specs[box.getAttribute("data-chart")];
      if (spec) {
        box.classList.add("chart-drawn");
        draw(box, spec, options);
      }
    });
  });
})();
