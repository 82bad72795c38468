/**
 * The dashboard's script, served as /dashboard/app.js: plain browser JavaScript, no framework, no CDN. It
 * listens to /dashboard/events (server-sent events, reconnecting by itself), keeps a small view model, and
 * writes the page with textContent only (no HTML from data), drawing each provider's latency chart as an SVG.
 * Shipped as a string so `tsc` ships it. Written without template literals, so it fits in String.raw.
 */
import { dashboardChartScript } from './dashboard-chart-script.js';
const beforeChart = String.raw`(function () {
  'use strict';
  var svgNs = 'http://www.w3.org/2000/svg';
  var maxCalls = 50;
  var maxChanges = 30;
  var view = { providers: [], names: {}, history: {}, historyLength: 120, sampleIntervalMs: 1000,
    clockOffsetMs: 0, startedAtMs: null, cards: {} };
  var circuitWords = { closed: 'closed', half_open: 'half-open', open: 'open' };
  var reasonWords = { rate_limit: 'rate limit', quota_exhausted: 'quota exhausted', overloaded: 'overloaded',
    server_error: 'server error', timeout: 'timeout', network: 'network error', authentication: 'bad key',
    invalid_request: 'invalid request', context_too_long: 'context too long', content_filter: 'content filter',
    model_not_found: 'model not found' };

  function byId(id) { return document.getElementById(id); }
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

  function ensureCard(provider) {
    var card = view.cards[provider.id];
    if (card) return card;
    var root = make('article', 'provider');
    root.setAttribute('data-provider', provider.id);
    var header = make('header');
    var title = make('h3', 'name');
    var badge = make('span', 'badge');
    header.append(title, badge);
    var figures = make('dl', 'figures');
    function figure(label) {
      var box = make('div');
      var value = make('dd', null, '–');
      box.append(make('dt', null, label), value);
      figures.append(box);
      return value;
    }
    card = { root: root, title: title, badge: badge, success: figure('Success'), p50: figure('p50'),
      p95: figure('p95'), calls: figure('Calls'), status: make('p', 'status-line'), provider: provider,
      chart: svg('svg', { 'class': 'chart', viewBox: '0 0 300 90', role: 'img',
        'aria-label': 'Latency p50 and p95 over time' }) };
    var legend = make('div', 'legend');
    legend.append(make('span', 'p50', 'p50'), make('span', 'p95', 'p95'),
      make('span', null, 'last ' + duration(view.historyLength * view.sampleIntervalMs)));
    root.append(header, figures, card.status, card.chart, legend);
    view.cards[provider.id] = card;
    return card;
  }

  function updateStatusLine(card) {
    var provider = card.provider;
    var leftMs = provider.cooldownUntilMs === null ? 0 : provider.cooldownUntilMs - serverNow();
    var text = '';
    var level = '';
    if (provider.cooldownReason && leftMs > 0) {
      text = 'Cooling down after ' + reasonText(provider.cooldownReason) + ': ' + formatSeconds(leftMs) + ' left';
      level = 'warn';
    } else if (provider.circuitState === 'open') {
      text = leftMs > 0 ? 'Circuit open: probe in ' + formatSeconds(leftMs) : 'Circuit open: the next call probes it';
      level = 'bad';
    } else if (provider.circuitState === 'half_open') {
      text = 'Half-open: one probe call decides';
      level = 'warn';
    } else if (!provider.configured) {
      text = 'No API key set';
    } else if (provider.totalCalls === 0) {
      text = 'No call yet';
    } else {
      text = provider.totalFailures + ' of ' + provider.totalCalls + ' attempts failed';
    }
    card.status.textContent = text;
    card.status.className = 'status-line ' + level;
  }

`;

const afterChart = String.raw`  function updateCard(card) {
    var provider = card.provider;
    card.title.textContent = provider.displayName;
    card.root.setAttribute('data-circuit', provider.circuitState);
    card.root.setAttribute('data-configured', String(provider.configured));
    card.badge.className = 'badge ' + (provider.configured ? provider.circuitState : 'unconfigured');
    card.badge.textContent = provider.configured ? 'circuit ' + circuitWords[provider.circuitState] : 'no key';
    card.success.textContent = provider.totalCalls ? percent(provider.successRate) : '–';
    card.p50.textContent = formatMs(provider.latencyP50Ms);
    card.p95.textContent = formatMs(provider.latencyP95Ms);
    card.calls.textContent = String(provider.totalCalls);
    updateStatusLine(card);
    drawChart(card);
  }

  function renderProviders() {
    var container = byId('providers');
    clearEmpty(container);
    view.providers.forEach(function (provider) {
      view.names[provider.id] = provider.displayName;
      var card = ensureCard(provider);
      card.provider = provider;
      if (!card.root.parentNode) container.append(card.root);
      updateCard(card);
    });
    byId('simulated-note').hidden = !view.providers.some(function (provider) { return provider.simulated; });
  }

  function attemptText(attempt) {
    var name = nameOf(attempt.provider);
    var start = attempt.offsetMs > 0 ? ' (started +' + formatMs(attempt.offsetMs) + ')' : '';
    if (attempt.outcome === 'success') return name + ' won in ' + formatMs(attempt.durationMs) + start;
    if (attempt.outcome === 'skipped') return name + ' skipped: ' + (attempt.detail || 'unavailable').replace(/_/g, ' ');
    if (attempt.outcome === 'aborted') {
      return name + ' aborted: ' + (attempt.detail || 'stopped') + ' after ' + formatMs(attempt.durationMs) + start;
    }
    var status = attempt.statusCode ? ' ' + attempt.statusCode : '';
    return name + ' failed: ' + reasonText(attempt.reason) + status + ' after ' + formatMs(attempt.durationMs) + start;
  }

  function callElement(call) {
    var item = make('li', 'call ' + call.outcome);
    item.setAttribute('data-call-id', String(call.callId));
    item.setAttribute('data-outcome', call.outcome);
    item.setAttribute('data-cached', String(call.cached));
    var head = make('div', 'call-head');
    head.append(make('time', null, clockTime(call.endedAtMs)));
    if (call.outcome === 'success') {
      head.append(make('span', 'served', nameOf(call.provider) + ' · ' + call.model));
    } else {
      head.append(make('span', 'served', call.outcome === 'failure' ? 'No provider answered' : 'Caller left'));
      if (call.errorName) head.append(make('span', 'tag failure', call.errorName));
    }
    if (call.cached) head.append(make('span', 'tag cache', 'cache hit'));
    if (call.streaming) head.append(make('span', 'tag', 'stream'));
    head.append(make('span', 'latency', formatMs(call.latencyMs)));
    var attempts = make('ol', 'attempts');
    if (call.attempts.length === 0 && call.cached) {
      attempts.append(make('li', 'attempt cache', 'Answered from the cache: no provider called'));
    }
    call.attempts.forEach(function (attempt) {
      var chip = make('li', 'attempt ' + attempt.outcome, attemptText(attempt));
      chip.setAttribute('data-provider', attempt.provider);
      chip.setAttribute('data-outcome', attempt.outcome);
      chip.title = attempt.model;
      attempts.append(chip);
    });
    item.append(head, attempts);
    return item;
  }

  function changeElement(change) {
    var item = make('li', 'change');
    item.setAttribute('data-provider', change.provider);
    item.append(make('time', null, clockTime(change.atMs)), ' ', make('strong', null, nameOf(change.provider)), ' ');
    if (change.kind === 'circuit') {
      item.setAttribute('data-to', change.to);
      item.append('circuit ' + circuitWords[change.from] + ' → ', make('span', 'to-' + change.to, circuitWords[change.to]));
    } else {
      item.append(make('span', 'cooldown', 'cooling down'),
        ' after ' + reasonText(change.reason) + ' for ' + formatSeconds(change.untilMs - change.atMs));
    }
    return item;
  }

  function prepend(container, element, limit) {
    clearEmpty(container);
    container.insertBefore(element, container.firstChild);
    while (container.children.length > limit) container.removeChild(container.lastChild);
  }

  function applySnapshot(snapshot) {
    view.clockOffsetMs = snapshot.nowMs - Date.now();
    view.startedAtMs = snapshot.startedAtMs;
    view.sampleIntervalMs = snapshot.sampleIntervalMs;
    view.historyLength = snapshot.historyLength;
    view.history = {};
    Object.keys(snapshot.history).forEach(function (id) { view.history[id] = snapshot.history[id].slice(); });
    view.providers = snapshot.providers;
    renderProviders();
    var calls = byId('calls');
    calls.textContent = '';
    if (snapshot.recentCalls.length === 0) calls.append(make('li', 'empty', 'No call yet.'));
    snapshot.recentCalls.forEach(function (call) { calls.append(callElement(call)); });
    var changes = byId('changes');
    changes.textContent = '';
    if (snapshot.recentChanges.length === 0) changes.append(make('li', 'empty', 'Nothing has happened yet.'));
    snapshot.recentChanges.forEach(function (change) { changes.append(changeElement(change)); });
    renderTotals(snapshot.totals);
    tick();
  }

  function applyHealth(update) {
    view.clockOffsetMs = update.nowMs - Date.now();
    view.providers = update.providers;
    Object.keys(update.samples).forEach(function (id) {
      var history = view.history[id] || (view.history[id] = []);
      history.push(update.samples[id]);
      while (history.length > view.historyLength) history.shift();
    });
    renderProviders();
    renderTotals(update.totals);
  }

  function applyChange(change) {
    prepend(byId('changes'), changeElement(change), maxChanges);
    var card = view.cards[change.provider];
    if (change.kind === 'circuit' && card) {
      card.provider = Object.assign({}, card.provider, { circuitState: change.to });
      updateCard(card);
    }
  }

  var source = null;
  function connect() {
    setConnection('connecting', 'connecting');
    source = new EventSource('/dashboard/events');
    function on(name, apply) {
      source.addEventListener(name, function (event) { apply(JSON.parse(event.data)); });
    }
    on('snapshot', function (snapshot) { applySnapshot(snapshot); setConnection('live', 'live'); });
    on('health', applyHealth);
    on('call', function (update) {
      prepend(byId('calls'), callElement(update.call), maxCalls);
      renderTotals(update.totals);
    });
    on('change', function (update) { applyChange(update.change); });
    source.onerror = function () {
      setConnection('reconnecting', 'reconnecting');
      if (source.readyState !== EventSource.CLOSED) return;
      source.close();
      // Closed for good (a 401 after a restart, or the server is gone): sign in again, or try later.
      fetch('/dashboard/state', { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
        if (response.status === 401) window.location.reload();
        else setTimeout(connect, 2000);
      }, function () { setTimeout(connect, 2000); });
    };
  }

  function tick() {
    Object.keys(view.cards).forEach(function (id) { updateStatusLine(view.cards[id]); });
    if (view.startedAtMs !== null) byId('uptime').textContent = duration(serverNow() - view.startedAtMs);
  }
  setInterval(tick, 500);
  connect();
})();
`;

/** The whole script: one function scope, the chart drawing in the middle (dashboard-chart-script.ts). */
export const dashboardScript = `${beforeChart}${dashboardChartScript}${afterChart}`;
