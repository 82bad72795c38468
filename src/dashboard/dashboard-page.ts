/**
 * The dashboard's two pages: the dashboard itself (an empty frame the script fills from the event stream) and
 * the login form shown when the gateway has keys. Neither carries data, a key or a prompt: everything dynamic
 * arrives over /dashboard/events and is written with textContent.
 */

const head = (title: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<link rel="stylesheet" href="/dashboard/app.css">`;

/** The dashboard. `signedIn` adds a sign-out button (only when the gateway has keys). */
export function dashboardPage(options: { readonly signedIn: boolean }): string {
  const signOut = options.signedIn
    ? '<form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>'
    : '';
  return `${head('backup-models dashboard')}
<script src="/dashboard/app.js" defer></script>
</head>
<body>
<header class="top">
  <div class="title"><h1>backup-models</h1><span id="connection" class="connection" role="status">connecting</span></div>
  <dl class="totals">
    <div><dt>Calls</dt><dd id="total-calls">0</dd></div>
    <div><dt>Failed</dt><dd id="total-failures">0</dd></div>
    <div><dt>Cache hit rate</dt><dd id="cache-hit-rate">–</dd></div>
    <div><dt>Up</dt><dd id="uptime">–</dd></div>
  </dl>
  ${signOut}
</header>
<p id="simulated-note" class="note" hidden>Simulated providers: every provider marked “(simulated)” is a local stand-in replaying recorded responses, so no real API is called and no key is needed.</p>
<main>
  <section aria-labelledby="providers-title">
    <h2 id="providers-title">Providers</h2>
    <div id="providers" class="providers"><p class="empty">Waiting for the first health report…</p></div>
  </section>
  <div class="columns">
    <section aria-labelledby="calls-title">
      <h2 id="calls-title">Recent calls</h2>
      <ol id="calls" class="calls"><li class="empty">No call yet.</li></ol>
    </section>
    <section aria-labelledby="changes-title">
      <h2 id="changes-title">Circuits and cooldowns</h2>
      <ol id="changes" class="changes"><li class="empty">Nothing has happened yet.</li></ol>
    </section>
  </div>
</main>
</body>
</html>
`;
}

/**
 * Why the last sign-in failed: a key the gateway does not know (never which), a key that is not an admin key,
 * a valid key where no key is an admin key (said only to a holder of a valid key, with how to make one), or
 * too many wrong keys from this address (the key was not even compared).
 */
export type DashboardLoginRefusal = 'wrong-key' | 'not-admin' | 'no-admin-key' | 'too-many-attempts';

const refusalMessages: Readonly<Record<DashboardLoginRefusal, string>> = {
  'wrong-key': 'That key was not accepted.',
  'not-admin': 'That key is not an admin key: the dashboard needs one.',
  'no-admin-key':
    'That key is not an admin key, and no gateway key is one: set admin: true on a key in the configuration, or list it in ' +
    'BACKUP_MODELS_GATEWAY_ADMIN_KEYS.',
  'too-many-attempts': 'Too many keys from this address were not accepted: wait a while, then try again.',
};

/** The login form; `refusal` says why the last key was not accepted. */
export function dashboardLoginPage(options: { readonly refusal?: DashboardLoginRefusal } = {}): string {
  const error = options.refusal ? `<p class="error" role="alert">${refusalMessages[options.refusal]}</p>` : '';
  return `${head('backup-models dashboard: sign in')}
</head>
<body>
<form class="login" method="post" action="/dashboard/login">
  <h1>backup-models</h1>
  <label for="key">Gateway key</label>
  <input id="key" name="key" type="password" autocomplete="off" required autofocus>
  ${error}
  <button type="submit">Open the dashboard</button>
</form>
</body>
</html>
`;
}
