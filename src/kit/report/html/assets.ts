// The page's inline CSS and script. The script carries no report data (it reads the table's
// data-* attributes), so nothing from the adapter ever reaches script context; the page's
// Content-Security-Policy allows exactly this script by its hash and no network at all.

import { createHash } from 'node:crypto';

export const STYLE = `
:root { --fg:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f8fafc; --card:#fff; --accent:#4338ca;
  --pass:#15803d; --pass-bg:#dcfce7; --fail:#b91c1c; --fail-bg:#fee2e2; --warn:#b45309; --warn-bg:#fef3c7;
  --idle:#4b5563; --idle-bg:#f3f4f6; --run:#1d4ed8; --run-bg:#dbeafe; --block:#c2410c; --block-bg:#ffedd5; --hot:#7c3aed; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--fg); background:var(--bg); }
main { max-width:1180px; margin:0 auto; padding:24px 28px 64px; }
h1 { font-size:22px; margin:0 0 4px; }
h2 { font-size:17px; margin:32px 0 12px; padding-bottom:6px; border-bottom:1px solid var(--line); }
h4 { font-size:13px; margin:18px 0 8px; color:#374151; text-transform:uppercase; letter-spacing:.04em; }
code, pre { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12.5px; }
pre { background:#0f172a; color:#e2e8f0; padding:10px 12px; border-radius:6px; overflow:auto; max-height:320px; margin:0; white-space:pre-wrap; word-break:break-word; }
pre.replay { user-select:all; cursor:text; margin-bottom:6px; }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
.muted { color:var(--muted); }
nav.toc { margin:14px 0 0; display:flex; gap:16px; font-size:13px; }
.meta { color:var(--muted); font-size:13px; margin:2px 0; word-break:break-all; }
.partial { background:var(--warn-bg); color:var(--warn); padding:8px 12px; border-radius:6px; margin:12px 0 0; }
.incomplete { background:var(--fail-bg); color:var(--fail); padding:8px 12px; border-radius:6px; margin:12px 0 0; font-size:1.05em; }
.verdicts { display:flex; flex-wrap:wrap; gap:14px; margin-top:18px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 18px; min-width:220px; flex:1; border-top-width:5px; }
.card .label { font-size:12px; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); }
.card .value { font-size:22px; font-weight:700; margin:2px 0 6px; }
.card .counts { font-size:13px; color:var(--muted); }
.card.v-conformant, .card.ci-accepted { border-top-color:var(--pass); } .card.v-conformant .value, .card.ci-accepted .value { color:var(--pass); }
.card.v-non-conformant, .card.ci-new-failures { border-top-color:var(--fail); } .card.v-non-conformant .value, .card.ci-new-failures .value { color:var(--fail); }
.card.v-inconclusive, .card.ci-stale { border-top-color:var(--warn); } .card.v-inconclusive .value, .card.ci-stale .value { color:var(--warn); }
.card.requested { box-shadow:0 0 0 2px #c7d2fe; }
.why { margin-top:12px; font-size:13px; } .why li { margin:2px 0; }
.tables { display:grid; gap:16px; }
td.c-pass a { color:var(--pass); } td.c-fail a { color:var(--fail); font-weight:700; } td.c-error a { color:#a21caf; font-weight:700; } td.c-blocked a { color:var(--block); } td.c-inconclusive a { color:var(--block); font-style:italic; }
table { border-collapse:collapse; width:100%; background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:#f1f5f9; font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:#475569; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; }
td.zero { color:#cbd5e1; }
tbody tr:hover { background:#f8fafc; }
.pill { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; font-weight:600; white-space:nowrap; background:var(--idle-bg); color:var(--idle); }
.v-pass, .st-completed { background:var(--pass-bg); color:var(--pass); }
.v-fail, .st-failed { background:var(--fail-bg); color:var(--fail); }
.v-error { background:#fae8ff; color:#a21caf; }
.v-blocked, .st-blocked { background:var(--block-bg); color:var(--block); }
table.trace { font-size:12px; } table.trace td { vertical-align:top; word-break:break-all; } tr.t-threw td, tr.t-overdue td { color:var(--fail); }
.v-inconclusive { background:var(--block-bg); color:var(--block); font-style:italic; }
.v-skipped, .v-untested, .st-pending, .st-skipped, .st-draft, .st-proposed, .st-approved, .st-other { background:var(--idle-bg); color:var(--idle); }
.st-in_progress { background:var(--run-bg); color:var(--run); }
.st-cancelled { background:#e5e7eb; color:#374151; }
.st-missing { background:#fff; color:var(--muted); border:1px dashed #9ca3af; }
.pill.baselined { background:#e0e7ff; color:#3730a3; }
.pill.violation-key { background:#fff; color:var(--hot); border:2px solid var(--hot); }
.tag { display:inline-block; font-family:ui-monospace,Menlo,Consolas,monospace; font-size:12px; background:#eef2ff; color:#3730a3; border-radius:4px; padding:0 6px; margin:0 4px 2px 0; }
.counts-line .pill { margin-right:4px; }
.filters { display:flex; flex-wrap:wrap; gap:12px; align-items:center; margin:0 0 10px; font-size:13px; }
.filters select, .filters input { font:inherit; padding:4px 8px; border:1px solid #cbd5e1; border-radius:6px; background:#fff; }
.filters input { min-width:240px; }
#req-table td.rule { max-width:460px; }
#req-table code { white-space:nowrap; }
details.failure { background:var(--card); border:1px solid var(--line); border-left:5px solid var(--fail); border-radius:8px; margin:0 0 14px; }
details.failure.outcome-error { border-left-color:#a21caf; }
pre .none { color:#94a3b8; font-style:italic; }
details.failure > summary { cursor:pointer; padding:10px 14px; font-size:14px; }
details.failure > summary code { font-weight:600; }
details.failure .title { color:var(--muted); }
details.failure .body { padding:0 18px 16px; border-top:1px solid var(--line); }
.message { font-size:15px; background:#fff7ed; border:1px solid #fed7aa; border-radius:6px; padding:8px 12px; word-break:break-word; }
.note { background:#eef2ff; border-radius:6px; padding:6px 12px; }
.picture { overflow-x:auto; background:#fcfcfd; border:1px solid var(--line); border-radius:8px; padding:10px; }
svg.plan { display:block; max-width:100%; height:auto; margin:0 auto; }
svg.plan .box { stroke-width:1.5; fill:#fff; stroke:#9ca3af; }
svg.plan .name { font:600 13px system-ui,sans-serif; text-anchor:middle; fill:#111827; }
svg.plan .status { font:11px system-ui,sans-serif; text-anchor:middle; fill:#374151; }
svg.plan .st-completed .box { fill:var(--pass-bg); stroke:var(--pass); }
svg.plan .st-failed .box { fill:var(--fail-bg); stroke:var(--fail); }
svg.plan .st-blocked .box { fill:var(--block-bg); stroke:var(--block); }
svg.plan .st-in_progress .box { fill:var(--run-bg); stroke:var(--run); }
svg.plan .st-pending .box, svg.plan .st-skipped .box { fill:var(--idle-bg); stroke:#9ca3af; }
svg.plan .st-cancelled .box { fill:#e5e7eb; stroke:#374151; }
svg.plan .st-missing .box { fill:#fff; stroke:#9ca3af; stroke-dasharray:4 3; }
svg.plan .ring { fill:none; stroke:var(--hot); stroke-width:3; }
svg.plan .badge circle { fill:var(--hot); } svg.plan .badge text { fill:#fff; font:700 12px system-ui,sans-serif; text-anchor:middle; }
svg.plan .edge path { fill:none; stroke:#94a3b8; stroke-width:1.6; } svg.plan .edge polygon { fill:#94a3b8; }
svg.plan .edge.hot path { stroke:var(--fail); stroke-width:3.2; } svg.plan .edge.hot polygon { fill:var(--fail); }
.legend { margin-top:8px; font-size:12px; display:flex; flex-wrap:wrap; gap:6px; align-items:center; }
table.timeline td { font-size:13px; } table.timeline td.seq { color:var(--muted); font-variant-numeric:tabular-nums; width:56px; }
table.timeline tr.hot td { background:#f5f3ff; } table.timeline tr.hot td:first-child { box-shadow:inset 4px 0 0 var(--hot); }
table.timeline td.reason { color:var(--muted); max-width:360px; word-break:break-word; }
.expected-seen { display:grid; grid-template-columns:1fr 1fr; gap:14px; }
.findings li { margin:3px 0; }
.empty { background:var(--pass-bg); color:var(--pass); padding:12px 16px; border-radius:8px; }
footer { margin-top:40px; color:var(--muted); font-size:12px; word-break:break-all; }
@media (max-width:860px) { .expected-seen { grid-template-columns:1fr; } }
`;

export const SCRIPT = `(function () {
  var table = document.getElementById('req-table');
  var selects = Array.prototype.slice.call(document.querySelectorAll('.filters select'));
  var search = document.getElementById('f-text');
  var count = document.getElementById('f-count');
  function apply() {
    if (!table) return;
    var q = search.value.trim().toLowerCase();
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var shown = 0;
    rows.forEach(function (row) {
      var ok = selects.every(function (s) { return !s.value || row.getAttribute('data-' + s.getAttribute('data-key')) === s.value; }) &&
        (!q || row.textContent.toLowerCase().indexOf(q) !== -1);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + ' of ' + rows.length + ' requirements';
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  if (search) search.addEventListener('input', apply);
  Array.prototype.forEach.call(document.querySelectorAll('a.set-filter'), function (a) {
    a.addEventListener('click', function () {
      selects.forEach(function (s) { s.value = a.getAttribute('data-' + s.getAttribute('data-key')) || ''; });
      if (search) search.value = '';
      apply();
    });
  });
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === 'DETAILS') el.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
  apply();
})();`;

/** The CSP source that allows exactly SCRIPT. */
export const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`;
