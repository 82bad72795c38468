/**
 * The part of the dashboard's script that keeps the page live: it applies the snapshot, then each `health`, `call`
 * and `change` event from /dashboard/events, connects again when the stream closes for good (reloading to the
 * login form on a 401), and ticks the countdowns and the uptime. Runs inside the script's function scope
 * (dashboard-script.ts), so it uses the other parts' functions.
 */
export const dashboardLiveUpdatesScript = String.raw`  function applySnapshot(snapshot) {
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
`;
