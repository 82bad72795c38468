/**
 * The dashboard's script, served as /dashboard/app.js: plain browser JavaScript, no framework, no CDN. It
 * listens to /dashboard/events (server-sent events, reconnecting by itself), keeps a small view model, and
 * writes the page with textContent only (no HTML from data), drawing each provider's latency chart as an SVG.
 * Shipped as a string so `tsc` ships it. Written without template literals, so it fits in String.raw.
 */
import { dashboardHelpersScript } from './dashboard-helpers-script.js';
import { dashboardLiveUpdatesScript } from './dashboard-live-updates-script.js';
import { dashboardLogEntriesScript } from './dashboard-log-entries-script.js';
import { dashboardProviderCardsScript } from './dashboard-provider-cards-script.js';

/** The script's one function scope, with what its parts share: the view model and the words for states and reasons. */
const opening = String.raw`(function () {
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

`;

const closing = String.raw`  setInterval(tick, 500);
  connect();
})();
`;

/** The whole script: in one function scope, the helpers, the provider cards, the log entries, then the live updates. */
export const dashboardScript = `${opening}${dashboardHelpersScript}${dashboardProviderCardsScript}${dashboardLogEntriesScript}${dashboardLiveUpdatesScript}${closing}`;
