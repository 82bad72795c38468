/**
 * The part of the dashboard's script that writes the entries of its two lists: a recent call with each of its
 * attempts in words (won, failed and why, skipped, aborted, with when it started), and a circuit change, a
 * cooldown or a model reported missing; new entries go on top and the oldest fall off. Runs inside the script's function scope
 * (dashboard-script.ts), so it uses the helpers of dashboard-helpers-script.ts.
 */
export const dashboardLogEntriesScript = String.raw`  function attemptText(attempt) {
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
    } else if (change.kind === 'model-missing') {
      item.append(make('span', 'model-missing', 'model ' + change.model + ' reported missing'),
        ', left out for ' + duration(change.untilMs - change.atMs));
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

`;
