/** The dashboard's stylesheet, served as /dashboard/app.css. Shipped as a string so `tsc` ships it: no copy step. */
export const dashboardStyle = String.raw`
:root {
  --background: #f4f5f7; --panel: #ffffff; --text: #1d2330; --muted: #5d6678; --line: #dde1e8;
  --green: #1a7f43; --green-soft: #e3f4ea; --amber: #9a6200; --amber-soft: #fdf1d8;
  --red: #b42318; --red-soft: #fde7e5; --grey-soft: #eceef2; --blue: #2557c9;
  --p50: #2557c9; --p95: #b7791f;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --background: #12151c; --panel: #1b2029; --text: #e6e9ef; --muted: #9aa3b5; --line: #2c3340;
    --green: #4cc38a; --green-soft: #15301f; --amber: #f0b541; --amber-soft: #33280f;
    --red: #ff7b6e; --red-soft: #3a1a18; --grey-soft: #262c37; --blue: #7aa2ff; --p50: #7aa2ff; --p95: #f0b541;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--background); color: var(--text);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
h1, h2, h3 { margin: 0; font-weight: 600; }
h1 { font-size: 1.2rem; }
h2 { font-size: 1rem; margin-bottom: 0.6rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
h3 { font-size: 1rem; overflow-wrap: anywhere; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem 1.4rem; padding: 0.8rem 1.2rem;
  background: var(--panel); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
.top .title { display: flex; align-items: center; gap: 0.7rem; }
.connection { font-size: 0.8rem; padding: 0.1rem 0.55rem; border-radius: 999px; background: var(--grey-soft); color: var(--muted); }
.connection.live { background: var(--green-soft); color: var(--green); }
.connection.reconnecting { background: var(--amber-soft); color: var(--amber); }
.totals { display: flex; flex-wrap: wrap; gap: 0.4rem 1.4rem; margin: 0; }
.totals div { display: flex; gap: 0.35rem; align-items: baseline; }
.totals dt { color: var(--muted); font-size: 0.85rem; }
.totals dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.top form { margin-left: auto; }
button, input { font: inherit; }
button { border: 1px solid var(--line); background: var(--panel); color: var(--text); border-radius: 6px; padding: 0.3rem 0.8rem; cursor: pointer; }
.note { margin: 0.9rem 1.2rem 0; padding: 0.55rem 0.8rem; border-radius: 8px; background: var(--amber-soft); color: var(--text); font-size: 0.9rem; }
main { padding: 1rem 1.2rem 2rem; display: grid; gap: 1.4rem; max-width: 1500px; margin: 0 auto; }
.providers { display: grid; gap: 0.9rem; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr)); }
.provider { background: var(--panel); border: 1px solid var(--line); border-left: 5px solid var(--green); border-radius: 10px; padding: 0.8rem 0.9rem; }
.provider[data-circuit="open"] { border-left-color: var(--red); }
.provider[data-circuit="half_open"] { border-left-color: var(--amber); }
.provider[data-configured="false"] { border-left-color: var(--line); opacity: 0.7; }
.provider header { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; }
.badge { font-size: 0.8rem; font-weight: 600; padding: 0.1rem 0.55rem; border-radius: 999px; white-space: nowrap; }
.badge.closed { background: var(--green-soft); color: var(--green); }
.badge.half_open { background: var(--amber-soft); color: var(--amber); }
.badge.open { background: var(--red-soft); color: var(--red); }
.badge.unconfigured { background: var(--grey-soft); color: var(--muted); }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 0.3rem; margin: 0.6rem 0 0.2rem; }
.figures dt { color: var(--muted); font-size: 0.75rem; }
.figures dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.status-line { min-height: 1.3rem; margin: 0.3rem 0; font-size: 0.85rem; color: var(--muted); }
.status-line.warn { color: var(--amber); }
.status-line.bad { color: var(--red); }
.via { margin: 0 0 0.3rem; font-size: 0.75rem; color: var(--muted); overflow-wrap: anywhere; }
.chart { display: block; width: 100%; height: auto; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .p50 { fill: none; stroke: var(--p50); stroke-width: 2; stroke-linejoin: round; }
.chart .p95 { fill: none; stroke: var(--p95); stroke-width: 1.5; stroke-dasharray: 4 3; stroke-linejoin: round; }
.chart text { fill: var(--muted); font-size: 10px; }
.legend { display: flex; gap: 0.9rem; font-size: 0.75rem; color: var(--muted); margin-top: 0.2rem; }
.legend .p50::before, .legend .p95::before { content: ""; display: inline-block; width: 14px; margin-right: 0.3rem; vertical-align: middle; border-top: 2px solid var(--p50); }
.legend .p95::before { border-top: 2px dashed var(--p95); }
.columns { display: grid; gap: 1.4rem; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); align-items: start; }
.calls, .changes { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
.call { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.5rem 0.7rem; }
.call.failure { border-color: var(--red); }
.call-head { display: flex; flex-wrap: wrap; gap: 0.2rem 0.8rem; align-items: baseline; }
.call-head time, .change time { color: var(--muted); font-variant-numeric: tabular-nums; font-size: 0.85rem; }
.call-head .served { font-weight: 600; overflow-wrap: anywhere; }
.call-head .latency { margin-left: auto; font-variant-numeric: tabular-nums; }
.tag { font-size: 0.75rem; font-weight: 600; padding: 0 0.45rem; border-radius: 999px; background: var(--grey-soft); color: var(--muted); }
.tag.cache { background: var(--green-soft); color: var(--green); }
.tag.failure { background: var(--red-soft); color: var(--red); }
.attempts { list-style: none; margin: 0.35rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.35rem; }
.attempt { font-size: 0.8rem; padding: 0.12rem 0.5rem; border-radius: 6px; background: var(--grey-soft); overflow-wrap: anywhere; }
.attempt.success { background: var(--green-soft); color: var(--green); font-weight: 600; }
.attempt.failure { background: var(--red-soft); color: var(--red); }
.attempt.skipped { background: var(--amber-soft); color: var(--amber); }
.attempt.aborted { color: var(--muted); }
.change { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.45rem 0.7rem; font-size: 0.9rem; }
.change .to-open { color: var(--red); font-weight: 600; }
.change .to-half_open, .change .cooldown, .change .model-missing { color: var(--amber); font-weight: 600; }
.change .to-closed { color: var(--green); font-weight: 600; }
.empty { color: var(--muted); font-size: 0.9rem; }
.login { max-width: 24rem; margin: 12vh auto; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1.4rem; display: grid; gap: 0.8rem; }
.login input { padding: 0.45rem 0.6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--background); color: var(--text); }
.login .error { color: var(--red); margin: 0; }
@media (max-width: 900px) {
  .columns { grid-template-columns: minmax(0, 1fr); }
  /* One column: what happened to the circuits comes before the long list of calls, in a short scrolling box. */
  .columns > section:last-child { order: -1; }
  .changes { max-height: 16rem; overflow-y: auto; }
}
@media (max-width: 520px) {
  body { font-size: 14px; }
  .top { padding: 0.6rem 0.8rem; position: static; }
  .top form { margin-left: 0; }
  main { padding: 0.8rem 0.7rem 1.5rem; }
  .providers { grid-template-columns: minmax(0, 1fr); }
  .call-head .latency { margin-left: 0; }
}
`;
