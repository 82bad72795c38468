/**
 * The helpers every part of the dashboard's script uses: making HTML and SVG nodes, the server's clock, the
 * wording of times, durations, shares and failure reasons; and the writers of the page header's connection badge
 * and totals. Runs inside the script's function scope (dashboard-script.ts), where `view` and the words for
 * circuit states and failure reasons are.
 */
export const dashboardHelpersScript = String.raw`  function byId(id) { return document.getElementById(id); }
  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svg(tag, attributes) {
    var node = document.createElementNS(svgNs, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    return node;
  }
  function serverNow() { return Date.now() + view.clockOffsetMs; }
  function pad(value) { return value < 10 ? '0' + value : String(value); }
  function clockTime(serverMs) {
    var date = new Date(serverMs - view.clockOffsetMs);
    return pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
  }
  function formatMs(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return Math.round(ms) + ' ms';
    return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  }
  function formatSeconds(ms) { return (Math.max(0, ms) / 1000).toFixed(1) + ' s'; }
  function percent(share) {
    if (share === null || share === undefined) return '–';
    var digits = share === 0 || share === 1 ? 0 : 1;
    return (share * 100).toFixed(digits) + '%';
  }
  function duration(ms) {
    var seconds = Math.max(0, Math.floor(ms / 1000));
    var minutes = Math.floor(seconds / 60);
    if (minutes === 0) return seconds + ' s';
    return seconds % 60 === 0 ? minutes + ' min' : minutes + ' min ' + pad(seconds % 60) + ' s';
  }
  function nameOf(id) { return view.names[id] || id; }
  function reasonText(reason) { return reasonWords[reason] || reason || 'failure'; }
  function clearEmpty(container) {
    var empty = container.querySelector('.empty');
    if (empty) container.removeChild(empty);
  }

  function setConnection(state, text) {
    var badge = byId('connection');
    badge.className = 'connection ' + state;
    badge.textContent = text;
  }

  function renderTotals(totals) {
    if (!totals) return;
    byId('total-calls').textContent = String(totals.calls);
    byId('total-failures').textContent = String(totals.failures);
    byId('cache-hit-rate').textContent = percent(totals.cacheHitRate);
  }

`;
