/**
 * The drift report document (report.json; schema/drift-report.schema.json): fixed key order, 2-space
 * indent, trailing newline, with the plan document inside exactly as `plan --out` writes it. The
 * Markdown, HTML and JUnit renderers read the same `DriftReport` this encodes.
 */
import type { Diagnostic } from '../model/diagnostic.js';
import {
  DRIFT_REPORT_FORMAT_VERSION,
  DRIFT_REPORT_KIND,
  DRIFT_STATUSES,
  type DriftChange,
  type DriftReport,
  type DriftStatus,
} from '../model/drift-report.js';
import { encodePlan } from '../document/plan-document.js';

/** The report as its public JSON document. */
export function encodeDriftReport(report: DriftReport): string {
  const head = {
    kind: report.kind,
    formatVersion: report.formatVersion,
    tool: { name: report.tool.name, version: report.tool.version },
    createdAt: report.createdAt,
    manifest: { file: report.manifest.file, digest: report.manifest.digest },
    source: report.source,
    status: report.status,
    summary: { ...report.summary },
    rules: report.rules.map((r) => ({
      name: r.name,
      kind: r.kind,
      location: r.location === null ? null : { file: r.location.file, line: r.location.line, col: r.location.col },
      intent: r.intent,
      checked: r.checked,
      drifted: r.drifted,
      unread: r.unread,
      status: r.status,
    })),
    unread: report.unread.map((u) => ({ subject: u.subject, message: u.message, rules: [...u.rules] })),
    byKind: report.byKind.map((k) => ({ kind: k.kind, objects: k.objects, steps: k.steps })),
    since: report.since === null ? null : { ...report.since },
    drifted: report.drifted.map((o) => ({ objectKey: o.objectKey, rule: o.rule, stepIds: [...o.stepIds], blockedBy: [...o.blockedBy] })),
  };
  const text = JSON.stringify(head, null, 2);
  // The plan is appended as the last member, as its own document indented one level (the plan
  // document's bytes, so a reader can cut it out and `show` or `apply` it).
  const plan = report.plan === null ? 'null' : encodePlan(report.plan).trimEnd().replace(/\n/g, '\n  ');
  return `${text.slice(0, -2)},\n  "plan": ${plan}\n}\n`;
}

/** A previous report, read for `drift --since`: only what the comparison needs, each field checked. */
export type ReadPrevious =
  | { ok: true; createdAt: string; status: DriftStatus; drifted: DriftChange[]; complete: boolean }
  | { ok: false; diagnostic: Diagnostic };

export function readPreviousReport(text: string, file: string): ReadPrevious {
  const fail = (message: string): ReadPrevious => ({ ok: false, diagnostic: { severity: 'error', code: 'drift-report', message } });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(`${file} is not valid JSON; --since takes the report.json of an earlier \`entra-soa drift --report-dir\` run.`);
  }
  const r = raw as Record<string, unknown> | null;
  if (typeof r !== 'object' || r === null || r['kind'] !== DRIFT_REPORT_KIND) {
    return fail(`${file} is not an entra-soa drift report (expected "kind": "${DRIFT_REPORT_KIND}"); --since takes the report.json of an earlier drift run.`);
  }
  if (r['formatVersion'] !== DRIFT_REPORT_FORMAT_VERSION) {
    return fail(`${file} has drift report format version ${JSON.stringify(r['formatVersion'])}; this entra-soa reads version ${DRIFT_REPORT_FORMAT_VERSION}. Run drift without --since once to start a new series.`);
  }
  const status = r['status'];
  const createdAt = r['createdAt'];
  const drifted = r['drifted'];
  const unread = r['unread'];
  if (typeof createdAt !== 'string' || !DRIFT_STATUSES.includes(status as DriftStatus) || !Array.isArray(drifted) || !Array.isArray(unread)) {
    return fail(`${file} is not a valid drift report (createdAt, status, drifted or unread is missing or has the wrong type). Was it edited by hand?`);
  }
  const changes: DriftChange[] = [];
  for (const [i, o] of drifted.entries()) {
    const e = o as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e['objectKey'] !== 'string' || typeof e['rule'] !== 'string') {
      return fail(`${file}: drifted[${i}] must have the strings objectKey and rule. Was it edited by hand?`);
    }
    changes.push({ objectKey: e['objectKey'], rule: e['rule'] });
  }
  return { ok: true, createdAt, status: status as DriftStatus, drifted: changes, complete: unread.length === 0 };
}
