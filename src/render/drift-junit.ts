/**
 * The drift report as JUnit XML, so CI systems show drift as test results: one test case per rule;
 * `<failure>` when objects under the rule drifted, `<error>` when part of what it governs could not be
 * read (drift found in the rest is listed in the same element). The element body lists the drifted
 * objects with before → after (at most `JUNIT_OBJECTS_PER_RULE` per rule).
 */
import type { DriftReport, DriftRule } from '../model/drift-report.js';
import { driftHeadline, driftObjectViews, formatCount, ruleWhere, unreadSubjectText, type DriftObjectView } from './drift-view.js';

/** How many drifted objects one test case lists (the rest are counted). */
export const JUNIT_OBJECTS_PER_RULE = 500;

const XML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text or attribute value for XML 1.0: escaped, without the control characters XML forbids. */
function xml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => XML_ENTITY[c] ?? c);
}

function objectLines(o: DriftObjectView): string[] {
  const lines = [`${o.objectKey}${o.label !== undefined ? ` (${o.label})` : ''}`];
  for (const r of o.repairs) {
    lines.push(`  ${r.description}`);
    for (const c of r.changes) lines.push(`    ${c.name}: ${c.before} -> ${c.after}`);
  }
  if (o.blockedBy.length > 0) lines.push(`  blocked by ${o.blockedBy.join(', ')}`);
  return lines;
}

function testCase(report: DriftReport, rule: DriftRule, objects: readonly DriftObjectView[]): string {
  const where = ruleWhere(rule);
  const name = `${rule.kind === 'tenant' ? 'tenant settings' : `rule ${rule.name}`}${where !== '' ? ` (${where})` : ''}`;
  const open = `    <testcase classname="entra-soa.drift.${xml(rule.kind)}" name="${xml(name)}" time="0">`;
  const unit = rule.kind === 'tenant' ? 'settings' : rule.kind;
  const body: string[] = [];
  const listed = objects.slice(0, JUNIT_OBJECTS_PER_RULE);
  for (const o of listed) body.push(...objectLines(o));
  if (objects.length > listed.length) body.push(`… ${formatCount(objects.length - listed.length)} more drifted objects in report.json`);
  const drift = `${formatCount(rule.drifted)} of ${formatCount(rule.checked)} ${unit} drifted from the manifest (${rule.intent})`;
  if (rule.status === 'unread') {
    const why = report.unread.filter((u) => u.rules.includes(rule.name));
    const message = `could not read ${why.map((u) => unreadSubjectText(u.subject)).join(', ')}${rule.drifted > 0 ? `; ${drift}` : ''}`;
    const text = [...why.map((u) => u.message), ...body].join('\n');
    return `${open}\n      <error type="unread" message="${xml(message)}">${xml(text)}</error>\n    </testcase>`;
  }
  if (rule.status === 'drifted') {
    return `${open}\n      <failure type="drift" message="${xml(drift)}">${xml(body.join('\n'))}</failure>\n    </testcase>`;
  }
  return `${open}\n      <system-out>${xml(`${formatCount(rule.checked)} ${unit} checked, all in sync (${rule.intent})`)}</system-out>\n    </testcase>`;
}

/** The report as a JUnit XML document. */
export function renderDriftJunit(report: DriftReport): string {
  const views = driftObjectViews(report);
  const byRule = new Map<string, DriftObjectView[]>();
  for (const v of views) {
    const list = byRule.get(v.rule);
    if (list) list.push(v);
    else byRule.set(v.rule, [v]);
  }
  const cases = report.rules.map((r) => testCase(report, r, byRule.get(r.name) ?? []));
  const failures = report.rules.filter((r) => r.status === 'drifted').length;
  const errors = report.rules.filter((r) => r.status === 'unread').length;
  if (report.rules.length === 0) {
    cases.push(`    <testcase classname="entra-soa.drift" name="manifest ${xml(report.manifest.file)}" time="0">\n      <system-out>the manifest has no rules and manages no tenant setting</system-out>\n    </testcase>`);
  }
  const tests = Math.max(1, report.rules.length);
  const suite = `entra-soa drift ${report.manifest.file}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="entra-soa drift" tests="${tests}" failures="${failures}" errors="${errors}" time="0">`,
    `  <testsuite name="${xml(suite)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="0" timestamp="${xml(report.createdAt)}">`,
    `    <properties>\n      <property name="status" value="${xml(report.status)}"/>\n      <property name="headline" value="${xml(driftHeadline(report))}"/>\n      <property name="source" value="${xml(report.source ?? '')}"/>\n    </properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
