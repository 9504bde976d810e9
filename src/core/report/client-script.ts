/**
 * The report page's own script: draws each agent's charts with Chart.js (inlined before it) from
 * the JSON document in #kv1nt-report-data. Plain ES2020 for the browser, kept as text because it
 * runs there, not here (the browser test loads it in Chromium and fails on any error it throws).
 * Colours are the Okabe–Ito palette, which colour-blind readers tell apart; every series also has
 * a legend label, and the markers and duration lines differ by shape and dash, not colour alone.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var DAY = 86400000;
  var PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
  var MARKERS = {
    applied: { label: 'change applied', color: '#0072B2', style: 'triangle' },
    rolled_back: { label: 'rolled back', color: '#D55E00', style: 'crossRot' },
    reverted: { label: 'reverted by the closed loop', color: '#D55E00', style: 'rectRot' },
    confirmed: { label: 'verdict: confirmed', color: '#009E73', style: 'circle' },
    no_effect: { label: 'verdict: no effect', color: '#000000', style: 'rect' },
    regressed: { label: 'verdict: regressed', color: '#CC79A7', style: 'star' },
    inconclusive: { label: 'verdict: inconclusive', color: '#56B4E9', style: 'rectRounded' },
    verifying: { label: 'verifying', color: '#56B4E9', style: 'rectRounded' }
  };
  var data = JSON.parse(document.getElementById('kv1nt-report-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.color = '#222222';
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.usePointStyle = true;
  var shortDay = function (day) { return day.slice(5); };
  var dayLabels = data.dayKeys.map(shortDay);
  var charts = [];

  function draw(section, name, config) {
    var canvas = section.querySelector('canvas[data-chart="' + name + '"]');
    if (canvas) charts.push(new Chart(canvas, config));
  }

  function stacked(series) {
    return series.map(function (s, i) {
      return { label: s.errorType, data: s.counts, backgroundColor: PALETTE[i % PALETTE.length], borderWidth: 0 };
    });
  }

  function barOptions(xTitle) {
    return {
      scales: {
        x: { stacked: true, title: { display: true, text: xTitle } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'failures' } }
      }
    };
  }

  function healthChart(agent) {
    var points = agent.health.map(function (p) { return { x: Date.parse(p.day + 'T12:00:00Z'), y: p.score }; });
    var scoreAt = function (at) {
      var day = at.slice(0, 10), score = points.length ? points[0].y : null;
      agent.health.forEach(function (p) { if (p.day <= day) score = p.score; });
      return score;
    };
    // Markers of the same hour would hide one another: each next one sits 3 points further
    // from the line (downwards from a high score, upwards from a low one).
    var groups = {}, perHour = {};
    agent.markers.forEach(function (m) {
      var key = m.kind === 'verdict' ? m.verdict : m.kind, hour = m.at.slice(0, 13), score = scoreAt(m.at);
      var k = (perHour[hour] = (perHour[hour] || 0) + 1) - 1;
      var y = score === null ? null : Math.max(0, Math.min(100, score + (score > 50 ? -3 : 3) * k));
      (groups[key] = groups[key] || []).push({ x: Date.parse(m.at), y: y, marker: m });
    });
    var datasets = [{
      type: 'line', label: 'health (daily)', data: points, borderColor: '#000000', backgroundColor: '#000000',
      pointRadius: 3, borderWidth: 2, order: 2
    }];
    Object.keys(groups).forEach(function (key) {
      var look = MARKERS[key] || MARKERS.verifying;
      datasets.push({
        type: 'scatter', label: look.label, data: groups[key], pointStyle: look.style, pointRadius: 9,
        pointHoverRadius: 11, borderColor: look.color, backgroundColor: look.color + '99', borderWidth: 2, order: 1
      });
    });
    var first = Date.parse(data.dayKeys[0] + 'T00:00:00Z');
    var end = Date.parse(data.dayKeys[data.dayKeys.length - 1] + 'T00:00:00Z') + DAY;
    return {
      type: 'line',
      data: { datasets: datasets },
      options: {
        parsing: false,
        scales: {
          x: {
            type: 'linear', min: first, max: end,
            ticks: { stepSize: DAY, autoSkip: true, maxRotation: 0,
              callback: function (v) { return shortDay(new Date(v).toISOString().slice(0, 10)); } },
            title: { display: true, text: 'day (UTC)' }
          },
          y: { suggestedMax: 100, max: 100, grace: '10%', title: { display: true, text: 'health (0-100)' } }
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: function (items) { return new Date(items[0].parsed.x).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'; },
              label: function (item) {
                var m = item.raw.marker;
                return m ? item.dataset.label + ': ' + m.target + ' (' + m.resultId + ')' : 'health ' + item.parsed.y;
              }
            }
          }
        }
      }
    };
  }

  function durationChart(agent) {
    var datasets = [
      { label: 'p50 (ms)', pointStyle: 'circle', data: agent.durations.p50, borderColor: '#0072B2', backgroundColor: '#0072B2', spanGaps: true },
      { label: 'p95 (ms)', pointStyle: 'triangle', data: agent.durations.p95, borderColor: '#E69F00', backgroundColor: '#E69F00', borderDash: [8, 4], spanGaps: true }
    ];
    if (agent.slaMs !== null)
      datasets.push({
        label: 'SLA ' + agent.slaMs + ' ms', pointStyle: 'line', data: data.dayKeys.map(function () { return agent.slaMs; }),
        borderColor: '#D55E00', backgroundColor: '#D55E00', borderDash: [2, 3], pointRadius: 0, borderWidth: 2
      });
    return {
      type: 'line',
      data: { labels: dayLabels, datasets: datasets },
      options: { scales: { x: { title: { display: true, text: 'day (UTC)' } },
        y: { beginAtZero: true, title: { display: true, text: 'duration of successful operations (ms)' } } } }
    };
  }

  document.querySelectorAll('section[data-agent-index]').forEach(function (section) {
    var agent = data.agents[Number(section.getAttribute('data-agent-index'))];
    draw(section, 'health', healthChart(agent));
    draw(section, 'failures-by-day', {
      type: 'bar', data: { labels: dayLabels, datasets: stacked(agent.failuresByDay) }, options: barOptions('day (UTC)')
    });
    draw(section, 'durations', durationChart(agent));
    draw(section, 'failures-by-hour', {
      type: 'bar',
      data: { labels: Array.from({ length: 24 }, function (_, h) { return (h < 10 ? '0' : '') + h; }), datasets: stacked(agent.failuresByHour) },
      options: barOptions('hour of day (UTC)')
    });
  });

  // Printed pages are narrower than the screen: redraw at their size, then back.
  window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener('afterprint', function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.setAttribute('data-charts', String(charts.length));
})();
`;
