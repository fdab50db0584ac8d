/**
 * The drift report as one self-contained HTML file: no network, no CDN (a Content-Security-Policy
 * forbids every fetch); the verdict, summary counts, the per-rule table, what could not be read, the
 * change since the previous report, hazards, inline-SVG charts of drift by rule and by kind, and the
 * drifted objects with before → after. Readable without colour: every state is a word, before and
 * after are struck through / underlined and separated by an arrow.
 *
 * The first page of drifted objects is plain HTML (readable with scripts off). All objects are
 * embedded as JSON and a small inline script pages and filters them, so a 100,000-object report opens
 * as fast as a small one: the browser lays out one page, not the whole list.
 */
import type { DriftReport } from '../model/drift-report.js';
import { barChart, escapeMarkup as esc } from './drift-svg.js';
import {
  driftHeadline,
  driftObjectViews,
  formatCount,
  ruleStatusText,
  ruleWhere,
  statusWord,
  unreadSubjectText,
  type DriftObjectView,
} from './drift-view.js';
import { groupHazards } from './step-view.js';

/** Drifted objects per page of the objects table. */
export const HTML_PAGE_SIZE = 100;

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.4; color: #111; background: #fff; }
body { margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #999; }
.status { display: inline-block; padding: .1rem .6rem; border: 3px solid #111; font-weight: 700; letter-spacing: .05em; }
.status.in-sync { border-style: solid; background: #e6f4ea; } .status.drifted { border-style: double; background: #fff4e0; } .status.incomplete { border-style: dashed; background: #fde8e8; }
.meta { color: #333; font-size: .9rem; }
dl.counts { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .5rem; }
dl.counts div { border: 1px solid #999; padding: .4rem .6rem; } dl.counts dt { font-size: .85rem; } dl.counts dd { margin: 0; font-size: 1.5rem; font-weight: 700; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; } th, td { border: 1px solid #999; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #eee; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, "Cascadia Mono", Menlo, monospace; font-size: .85em; overflow-wrap: anywhere; }
del { text-decoration: line-through; } ins { text-decoration: underline; }
ul.changes, ul.changes ul { margin: 0; padding-left: 1.1rem; }
.chart rect { fill: #555; } .chart text { font-size: 13px; fill: #111; } figure { margin: 1rem 0; }
.charts { display: flex; flex-wrap: wrap; gap: 2rem; }
.unread li { margin-bottom: .4rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin: .5rem 0; }
nav.pager { display: flex; gap: .5rem; align-items: center; margin: .5rem 0; }
.blocked { font-weight: 700; }
@media print { form.filters, nav.pager { display: none; } }
`;

/** The paging and filter script: the same row layout as `objectRow`, built with DOM calls (no innerHTML). */
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('drift-data').textContent);
  var all = data.objects, rules = data.rules, texts = data.texts, size = ${HTML_PAGE_SIZE};
  var body = document.querySelector('#objects-table tbody'), info = document.getElementById('page-info');
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  var filter = document.getElementById('filter'), ruleSelect = document.getElementById('rule-filter');
  var shown = all, page = 0;
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
  function row(o) {
    var tr = el('tr'), key = el('td'), rule = el('td'), changes = el('td'), list = el('ul', undefined, 'changes');
    key.appendChild(el('code', o[0])); if (o[1] !== null) { key.appendChild(el('br')); key.appendChild(el('span', o[1], 'label')); }
    rule.textContent = rules[o[2]];
    o[3].forEach(function (r) {
      var li = el('li'); li.appendChild(el('span', texts[r[0]], 'step'));
      var inner = el('ul');
      r[1].forEach(function (c) {
        var line = el('li'); line.appendChild(el('code', c[0])); line.appendChild(document.createTextNode(': '));
        line.appendChild(el('del', c[1])); line.appendChild(document.createTextNode(' \\u2192 ')); line.appendChild(el('ins', c[2]));
        if (c.length > 3) line.appendChild(el('span', ' (' + c[3] + ')', 'note'));
        inner.appendChild(line);
      });
      r[2].forEach(function (t) { inner.appendChild(el('li', '(' + t + ')', 'note')); });
      if (inner.childNodes.length > 0) li.appendChild(inner);
      list.appendChild(li);
    });
    changes.appendChild(list);
    if (o[4].length > 0) changes.appendChild(el('p', 'blocked by ' + o[4].join(', ') + ' (the plan cannot repair this as things are)', 'blocked'));
    tr.appendChild(key); tr.appendChild(rule); tr.appendChild(changes);
    return tr;
  }
  function render() {
    var from = page * size, slice = shown.slice(from, from + size);
    body.replaceChildren.apply(body, slice.map(row));
    info.textContent = shown.length === 0 ? 'No drifted object matches the filter.'
      : 'Showing ' + (from + 1).toLocaleString('en-US') + '\\u2013' + (from + slice.length).toLocaleString('en-US') + ' of ' + shown.length.toLocaleString('en-US') + ' drifted objects' + (shown.length !== all.length ? ' (filtered from ' + all.length.toLocaleString('en-US') + ')' : '');
    prev.disabled = page === 0; next.disabled = from + size >= shown.length;
  }
  function apply() {
    var q = filter.value.trim().toLowerCase(), r = ruleSelect.value === '' ? -1 : Number(ruleSelect.value);
    shown = q === '' && r < 0 ? all : all.filter(function (o) {
      return (r < 0 || o[2] === r) && (q === '' || o[0].toLowerCase().indexOf(q) >= 0 || (o[1] !== null && o[1].toLowerCase().indexOf(q) >= 0));
    });
    page = 0; render();
  }
  filter.addEventListener('input', apply); ruleSelect.addEventListener('change', apply);
  prev.addEventListener('click', function () { if (page > 0) { page--; render(); } });
  next.addEventListener('click', function () { if ((page + 1) * size < shown.length) { page++; render(); } });
  document.getElementById('objects').setAttribute('data-ready', 'true');
})();
`;

/** One drifted object as a table row (the script builds the same row from the embedded data). */
function objectRow(o: DriftObjectView): string {
  const label = o.label !== undefined ? `<br><span class="label">${esc(o.label)}</span>` : '';
  const repairs = o.repairs.map((r) => {
    const lines = [
      ...r.changes.map(
        (c) => `<li><code>${esc(c.name)}</code>: <del>${esc(c.before)}</del> \u2192 <ins>${esc(c.after)}</ins>${c.note !== undefined ? `<span class="note"> (${esc(c.note)})</span>` : ''}</li>`,
      ),
      ...r.notes.map((t) => `<li class="note">(${esc(t)})</li>`),
    ];
    return `<li><span class="step">${esc(r.description)}</span>${lines.length > 0 ? `<ul>${lines.join('')}</ul>` : ''}</li>`;
  });
  const blocked = o.blockedBy.length > 0 ? `<p class="blocked">blocked by ${esc(o.blockedBy.join(', '))} (the plan cannot repair this as things are)</p>` : '';
  return `<tr><td><code>${esc(o.objectKey)}</code>${label}</td><td>${esc(o.rule)}</td><td><ul class="changes">${repairs.join('')}</ul>${blocked}</td></tr>`;
}

/** The objects as compact JSON for the script: strings that repeat (step descriptions) are listed once. */
function embeddedData(report: DriftReport, objects: readonly DriftObjectView[]): string {
  const rules = report.rules.map((r) => r.name);
  const ruleIndex = new Map(rules.map((r, i) => [r, i] as const));
  const texts: string[] = [];
  const textIndex = new Map<string, number>();
  const intern = (s: string) => {
    let i = textIndex.get(s);
    if (i === undefined) {
      i = texts.length;
      texts.push(s);
      textIndex.set(s, i);
    }
    return i;
  };
  const rows = objects.map((o) => [
    o.objectKey,
    o.label ?? null,
    ruleIndex.get(o.rule) ?? -1,
    o.repairs.map((r) => [intern(r.description), r.changes.map((c) => (c.note !== undefined ? [c.name, c.before, c.after, c.note] : [c.name, c.before, c.after])), r.notes]),
    o.blockedBy,
  ]);
  // "<" escaped so that no value can close the script element
  return JSON.stringify({ rules, texts, objects: rows }).replace(/</g, '\\u003c');
}

function countsBlock(report: DriftReport): string {
  const s = report.summary;
  const items: [string, string, number][] = [
    ['rules', 'Rules', s.rules],
    ['checked', 'Objects checked', s.checked],
    ['in-sync', 'In sync', s.inSync],
    ['drifted', 'Drifted', s.drifted],
    ['unread', 'Could not read', s.unread],
    ['hazards', 'Hazards', s.hazards],
  ];
  return `<dl class="counts" id="counts">${items.map(([id, label, v]) => `<div data-count="${id}"><dt>${label}</dt><dd>${formatCount(v)}</dd></div>`).join('')}</dl>`;
}

function rulesTable(report: DriftReport): string {
  const rows = report.rules.map((r) => {
    const where = ruleWhere(r);
    const inSync = Math.max(0, r.checked - r.drifted - r.unread);
    return (
      `<tr data-rule="${esc(r.name)}" data-status="${r.status}"><td><code>${esc(r.name)}</code>${where !== '' ? `<br><small>${esc(where)}</small>` : ''}</td><td>${r.kind}</td><td>${esc(r.intent)}</td>` +
      `<td class="num">${formatCount(r.checked)}</td><td class="num">${formatCount(inSync)}</td><td class="num">${formatCount(r.drifted)}</td><td class="num">${formatCount(r.unread)}</td><td>${esc(ruleStatusText(r))}</td></tr>`
    );
  });
  if (rows.length === 0) rows.push('<tr><td colspan="8">The manifest has no rules and manages no tenant setting.</td></tr>');
  return (
    '<table id="rules-table"><thead><tr><th>Rule</th><th>Kind</th><th>What it wants</th><th class="num">Checked</th><th class="num">In sync</th><th class="num">Drifted</th><th class="num">Not read</th><th>Status</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function hazardsSection(report: DriftReport): string {
  const hazards = report.plan?.hazards ?? [];
  if (hazards.length === 0) return '<section id="hazards"><h2>Hazards</h2><p>None.</p></section>';
  const rows = groupHazards(hazards).map((g) => {
    const first = g.hazards[0]?.message ?? '';
    const keys = g.objectKeys.slice(0, 10).map((k) => `<code>${esc(k)}</code>`).join(', ');
    const more = g.objectKeys.length > 10 ? ` and ${formatCount(g.objectKeys.length - 10)} more` : '';
    return `<tr><td>${g.severity}</td><td><code>${g.code}</code>${g.hazards.length > 1 ? ` ×${formatCount(g.hazards.length)}` : ''}</td><td>${g.blocking ? 'yes' : 'no'}</td><td>${keys}${more}</td><td>${esc(first)}</td></tr>`;
  });
  return (
    '<section id="hazards"><h2>Hazards</h2><table id="hazards-table"><thead><tr><th>Severity</th><th>Code</th><th>Blocking</th><th>Objects</th><th>What it means</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

function unreadSection(report: DriftReport): string {
  if (report.unread.length === 0) return '';
  const items = report.unread.map(
    (u) => `<li data-subject="${u.subject}"><strong>Could not read ${esc(unreadSubjectText(u.subject))}</strong> (rules ${u.rules.map((r) => `<code>${esc(r)}</code>`).join(', ')}): ${esc(u.message)}</li>`,
  );
  return `<section id="unread" class="unread"><h2>Could not read</h2><p>These are not "in sync": nothing is known about them.</p><ul>${items.join('')}</ul></section>`;
}

function sinceSection(report: DriftReport): string {
  const s = report.since;
  if (s === null) return '';
  const list = (id: string, title: string, items: readonly { objectKey: string; rule: string }[]) =>
    items.length === 0
      ? ''
      : `<details id="${id}"><summary>${title} (${formatCount(items.length)})</summary><ul>${items
          .slice(0, 1000)
          .map((c) => `<li><code>${esc(c.objectKey)}</code> (${esc(c.rule)})</li>`)
          .join('')}${items.length > 1000 ? `<li>… ${formatCount(items.length - 1000)} more in report.json</li>` : ''}</ul></details>`;
  return (
    `<section id="since"><h2>Since the report of ${esc(s.createdAt)}</h2><p>Previous status: ${esc(statusWord(s.status))}. ` +
    `<strong data-count="newly-drifted">${formatCount(s.newlyDrifted.length)}</strong> newly drifted, <strong data-count="resolved">${formatCount(s.resolved.length)}</strong> resolved, ` +
    `<strong data-count="still-drifted">${formatCount(s.stillDrifted)}</strong> still drifted${s.unknownNow.length > 0 ? `, ${formatCount(s.unknownNow.length)} unknown now (not read this time)` : ''}.</p>` +
    `${s.previousComplete ? '' : '<p>The previous report could not read everything: some "newly drifted" objects may have drifted before unseen.</p>'}` +
    `${list('since-new', 'Newly drifted', s.newlyDrifted)}${list('since-resolved', 'Resolved', s.resolved)}${list('since-unknown', 'Unknown now', s.unknownNow)}</section>`
  );
}

function chartsSection(report: DriftReport): string {
  const byRule = report.rules.filter((r) => r.drifted > 0).map((r) => ({ label: r.name, value: r.drifted }));
  const byKind = report.byKind.map((k) => ({ label: k.kind, value: k.objects }));
  return (
    '<section id="charts"><h2>Charts</h2><div class="charts">' +
    `<figure>${barChart('Drifted objects by rule', byRule, { id: 'chart-by-rule', unit: 'drifted' })}<figcaption>Drifted objects by rule (tenant: settings)</figcaption></figure>` +
    `<figure>${barChart('Drifted objects by kind of change', byKind, { id: 'chart-by-kind', unit: 'objects' })}<figcaption>Drifted objects by the kind of change that repairs them (sync waits not counted)</figcaption></figure>` +
    '</div></section>'
  );
}

function objectsSection(report: DriftReport): string {
  const objects = driftObjectViews(report);
  if (objects.length === 0) return '<section id="objects"><h2>Drifted objects (0)</h2><p>No object differs from the manifest.</p></section>';
  const first = objects.slice(0, HTML_PAGE_SIZE);
  const options = report.rules.map((r, i) => `<option value="${i}">${esc(r.name)}</option>`).join('');
  return (
    `<section id="objects"><h2>Drifted objects (${formatCount(objects.length)})</h2>` +
    `<form class="filters" onsubmit="return false"><label>Filter <input type="search" id="filter" placeholder="object key or name"></label>` +
    `<label>Rule <select id="rule-filter"><option value="">all rules</option>${options}</select></label></form>` +
    `<p id="page-info">Showing 1\u2013${formatCount(first.length)} of ${formatCount(objects.length)} drifted objects</p>` +
    '<table id="objects-table"><thead><tr><th>Object</th><th>Rule</th><th>Changes (before \u2192 after)</th></tr></thead>' +
    `<tbody>${first.map(objectRow).join('')}</tbody></table>` +
    `<nav class="pager"><button type="button" id="prev" disabled>Previous page</button><button type="button" id="next"${objects.length <= HTML_PAGE_SIZE ? ' disabled' : ''}>Next page</button></nav>` +
    `<script type="application/json" id="drift-data">${embeddedData(report, objects)}</script><script>${SCRIPT}</script></section>`
  );
}

/** The report as one self-contained HTML document. */
export function renderDriftHtml(report: DriftReport): string {
  const word = statusWord(report.status);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>entra-soa drift: ${esc(word)} — ${esc(report.manifest.file)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<header><h1>Drift report <span class="status ${report.status}" id="status">${esc(word)}</span></h1>`,
    `<p id="headline">${esc(driftHeadline(report))}</p>`,
    `<p class="meta">Manifest <code>${esc(report.manifest.file)}</code> (sha256 <code>${esc(report.manifest.digest.slice(0, 12))}</code>) · source ${esc(report.source ?? 'none (not read)')} · created ${esc(report.createdAt)} by ${esc(`${report.tool.name} ${report.tool.version}`)}</p></header>`,
    `<section id="summary"><h2>Summary</h2>${countsBlock(report)}</section>`,
    unreadSection(report),
    `<section id="rules"><h2>Rules</h2>${rulesTable(report)}</section>`,
    sinceSection(report),
    chartsSection(report),
    hazardsSection(report),
    objectsSection(report),
    '</body></html>',
    '',
  ].join('\n');
}
