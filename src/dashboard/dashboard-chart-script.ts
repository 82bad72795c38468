/**
 * The part of the dashboard's script that draws a provider's latency chart: p50 (solid) and p95 (dashed) over
 * the sampled history, as an inline SVG, with gaps where there was no sample. Part of a provider's card
 * (dashboard-provider-cards-script.ts); runs inside the script's function scope (dashboard-script.ts), so it uses
 * `view` there and the helpers `svg` and `serverNow` (dashboard-helpers-script.ts).
 */
export const dashboardChartScript = String.raw`  function niceCeiling(value) {
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 2, 5, 10];
    for (var index = 0; index < steps.length; index += 1) if (steps[index] * power >= value) return steps[index] * power;
    return 10 * power;
  }

  function drawChart(card) {
    var chart = card.chart;
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    var samples = view.history[card.provider.id] || [];
    var width = 300;
    var top = 14;
    var bottom = 86;
    var spanMs = Math.max(1, (view.historyLength - 1) * view.sampleIntervalMs);
    var endMs = samples.length ? samples[samples.length - 1].atMs : serverNow();
    var highest = 0;
    samples.forEach(function (sample) { highest = Math.max(highest, sample.p50Ms || 0, sample.p95Ms || 0); });
    var scaleMs = niceCeiling(Math.max(highest, 10));
    [0, 0.5, 1].forEach(function (share) {
      var y = bottom - share * (bottom - top);
      chart.append(svg('line', { 'class': 'grid', x1: 0, x2: width, y1: y, y2: y }));
    });
    var label = svg('text', { x: 2, y: top - 4 });
    label.textContent = scaleMs >= 1000 ? scaleMs / 1000 + ' s' : scaleMs + ' ms';
    chart.append(label);
    function x(atMs) { return (width - ((endMs - atMs) / spanMs) * width).toFixed(1); }
    function y(ms) { return (bottom - (ms / scaleMs) * (bottom - top)).toFixed(1); }
    ['p95Ms', 'p50Ms'].forEach(function (field) {
      var path = '';
      var drawing = false;
      samples.forEach(function (sample) {
        var value = sample[field];
        if (value === null || value === undefined) { drawing = false; return; }
        path += (drawing ? ' L' : ' M') + x(sample.atMs) + ' ' + y(value);
        drawing = true;
      });
      if (path) chart.append(svg('path', { 'class': field === 'p50Ms' ? 'p50' : 'p95', d: path.trim(),
        'stroke-linecap': 'round' }));
    });
  }

`;
