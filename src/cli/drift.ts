/**
 * `entra-soa drift -f manifest.yaml [--snapshot F | --lab | live options] --report-dir DIR [--since previous/report.json]`
 *
 * Reads both directories, plans, and writes the drift report into DIR: report.json (the document,
 * with the plan inside), report.md, report.html and junit.xml. Exit codes: 0 in sync, 2 drifted,
 * 1 when something the manifest manages could not be read or planned (the report is still written
 * and says what), or on a usage error (then nothing is written).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { buildDriftReport, type DriftInput } from '../drift/build-report.js';
import type { PreviousReport } from '../drift/since.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { DriftReport, DriftStatus } from '../model/drift-report.js';
import { assertNever } from '../model/step.js';
import { buildPlan } from '../plan/index.js';
import { encodeDriftReport, readPreviousReport } from '../render/drift-document.js';
import { renderDriftHtml } from '../render/drift-html.js';
import { renderDriftJunit } from '../render/drift-junit.js';
import { renderDriftMarkdown } from '../render/drift-markdown.js';
import { driftHeadline } from '../render/drift-view.js';
import { decodePlan, encodePlan } from '../render/index.js';
import { EXIT, errorLine, type CliIo } from './io.js';
import { manifestArgument, manifestPathOf, OWN_OPTIONS, type ManifestArgs } from './options.js';
import { conflictingSources, obtainObservedState, sourceOptions, type SourceArgs } from './source.js';
import { tenantMismatch } from '../identity/tenant-match.js';
import { TOOL } from '../meta/version.js';
import { readDocument, readManifest } from './read-document.js';
import { writeDocumentFile } from './write-document.js';

/** Arguments of `entra-soa drift`. */
export interface DriftArgs extends SourceArgs {
  file: string;
  reportDir: string;
  since?: string;
}

/** The files a drift run writes into --report-dir. */
const DRIFT_FILES = { json: 'report.json', markdown: 'report.md', html: 'report.html', junit: 'junit.xml' } as const;

export function driftCommand(io: CliIo, done: (exitCode: number) => void): CommandModule<object, Omit<DriftArgs, 'file'> & ManifestArgs> {
  return {
    command: 'drift [manifest]',
    describe: 'Compare the directories with the manifest and write a drift report (JSON, Markdown, HTML, JUnit)',
    builder: (y: Argv) =>
      sourceOptions(manifestArgument(y, 'The manifest (YAML)'))
        .option('report-dir', { type: 'string', demandOption: true, group: OWN_OPTIONS, describe: 'Write report.json, report.md, report.html and junit.xml here (created if missing)' })
        .option('since', { type: 'string', group: OWN_OPTIONS, describe: 'The report.json of an earlier run: report what drifted since then and what was resolved' }) as unknown as Argv<
        Omit<DriftArgs, 'file'> & ManifestArgs
      >,
    handler: async (args) => {
      done(await runDrift(io, { ...args, file: manifestPathOf(args) }));
    },
  };
}

/** The exit code of a drift status (README "Exit codes"). */
function driftExitCode(status: DriftStatus): number {
  switch (status) {
    case 'in-sync':
      return EXIT.ok;
    case 'drifted':
      return EXIT.changes;
    case 'incomplete':
      return EXIT.error;
    default:
      return assertNever(status, 'drift status');
  }
}

async function readPrevious(io: CliIo, shown: string): Promise<PreviousReport | string> {
  const read = await readDocument(io, shown, 'drift-report');
  if (!read.ok) return read.message;
  const r = readPreviousReport(read.bytes.toString('utf8'), shown);
  if (!r.ok) return r.diagnostic.message;
  return { file: shown, createdAt: r.createdAt, status: r.status, drifted: r.drifted, complete: r.complete };
}

/** Writes each file atomically and durably (write-document.ts), so a reader never sees half a report. */
async function writeReport(dir: string, report: DriftReport): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    [DRIFT_FILES.json, encodeDriftReport(report)],
    [DRIFT_FILES.markdown, renderDriftMarkdown(report, { fullReport: DRIFT_FILES.json })],
    [DRIFT_FILES.html, renderDriftHtml(report)],
    [DRIFT_FILES.junit, renderDriftJunit(report)],
  ];
  for (const [name, text] of files) {
    await writeDocumentFile(join(dir, name), text);
  }
}

/** The drift command's work, returning the exit code. */
export async function runDrift(io: CliIo, args: DriftArgs): Promise<number> {
  const conflict = conflictingSources(args);
  if (conflict !== null) {
    io.stderr(errorLine('drift', conflict));
    return EXIT.error;
  }
  const loaded = await readManifest(io, args.file);
  if ('wrongKind' in loaded) {
    io.stderr(errorLine('drift', `${loaded.wrongKind}. No report was written`));
    return EXIT.error;
  }
  for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (loaded.desired === null) {
    io.stderr(errorLine('drift', `the manifest ${args.file} has errors (above): fix them and run drift again. No report was written`));
    return EXIT.error;
  }
  const desired = loaded.desired;
  let previous: PreviousReport | undefined;
  if (args.since !== undefined) {
    const p = await readPrevious(io, args.since);
    if (typeof p === 'string') {
      io.stderr(errorLine('drift', p));
      return EXIT.error;
    }
    previous = p;
  }

  const createdAt = io.now().toISOString();
  const observed = await obtainObservedState(args, desired, io);
  let outcome: DriftInput['outcome'];
  if (observed.ok) {
    const mismatch = tenantMismatch({
      manifestFile: args.file,
      manifestTenantId: desired.tenant.id,
      observedTenantId: observed.observed.tenant.tenantId,
      source: observed.source,
    });
    if (mismatch !== null) {
      io.stderr(errorLine('drift', `${mismatch}. No report was written`));
      return EXIT.error;
    }
    const built = buildPlan({ desired, observed: observed.observed, createdAt, tool: TOOL, source: observed.source });
    // the report carries the plan as its document says it (what `show` and `apply` would read)
    const decoded = decodePlan(encodePlan(built), '<plan>');
    if (decoded.plan === null) throw new Error(`plan document does not round-trip: ${decoded.diagnostics.map((d) => d.message).join('; ')}`);
    outcome = { read: true, observed: observed.observed, plan: decoded.plan, source: observed.source };
  } else {
    io.stderr(errorLine('drift', observed.message));
    outcome = { read: false, message: observed.message };
  }
  const report = buildDriftReport({ desired, outcome, createdAt, tool: TOOL, ...(previous !== undefined ? { previous } : {}) });

  const dir = resolve(io.cwd, args.reportDir);
  try {
    await writeReport(dir, report);
  } catch (err) {
    io.stderr(errorLine('drift', `cannot write the report into ${args.reportDir}: ${err instanceof Error ? err.message : String(err)}. Check that the folder is writable`));
    return EXIT.error;
  }
  io.stdout(`${driftHeadline(report)}\n`);
  if (report.since !== null) {
    const s = report.since;
    io.stdout(`Since ${s.createdAt}: ${s.newlyDrifted.length} newly drifted, ${s.resolved.length} resolved, ${s.stillDrifted} still drifted.\n`);
  }
  for (const u of report.unread) io.stderr(`could not read: ${u.message}\n`);
  const shown = (f: string) => join(args.reportDir, f);
  io.stderr(`Wrote ${shown(DRIFT_FILES.json)}, ${shown(DRIFT_FILES.markdown)}, ${shown(DRIFT_FILES.html)} and ${shown(DRIFT_FILES.junit)}.\n`);
  return driftExitCode(report.status);
}
