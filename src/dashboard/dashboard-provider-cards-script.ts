/**
 * The part of the dashboard's script that writes a card per provider: its name and circuit badge, success rate,
 * p50, p95 and calls, a status line (cooldown or open circuit with the time left, half-open, no key), the outbound
 * proxy its requests go through (when they do) and the latency chart (dashboard-chart-script.ts). Runs inside the
 * script's function scope (dashboard-script.ts), so it uses `view` there and the helpers of dashboard-helpers-script.ts.
 */
import { dashboardChartScript } from './dashboard-chart-script.js';

const cardElements = String.raw`  function ensureCard(provider) {
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
      p95: figure('p95'), calls: figure('Calls'), status: make('p', 'status-line'), via: make('p', 'via'), provider: provider,
      chart: svg('svg', { 'class': 'chart', viewBox: '0 0 300 90', role: 'img',
        'aria-label': 'Latency p50 and p95 over time' }) };
    var legend = make('div', 'legend');
    legend.append(make('span', 'p50', 'p50'), make('span', 'p95', 'p95'),
      make('span', null, 'last ' + duration(view.historyLength * view.sampleIntervalMs)));
    root.append(header, figures, card.status, card.via, card.chart, legend);
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
    } else if (provider.missingModels && provider.missingModels.length > 0) {
      text = 'Model reported missing, left out: ' + provider.missingModels.map(function (entry) {
        return entry.model + ' (' + formatSeconds(Math.max(0, entry.untilMs - serverNow())) + ' left)';
      }).join(', ');
      level = 'warn';
    } else if (provider.totalCalls === 0) {
      text = 'No call yet';
    } else {
      text = provider.totalFailures + ' of ' + provider.totalCalls + ' attempts failed';
    }
    card.status.textContent = text;
    card.status.className = 'status-line ' + level;
  }

`;

const cardUpdates = String.raw`  function updateCard(card) {
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
    card.via.textContent = provider.outboundProxy ? 'Through proxy ' + provider.outboundProxy : '';
    card.via.hidden = !provider.outboundProxy;
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

`;

/** Building a card and its status line, drawing its chart, then filling it from the provider's figures. */
export const dashboardProviderCardsScript = `${cardElements}${dashboardChartScript}${cardUpdates}`;
