/**
 * The CLI on the lab as one of the lab's identities (`--lab --lab-identity NAME`): the command's own code
 * path (plan --out, apply PLAN --auto-approve, snapshot, drift) in process, with the identity's token
 * on the wire to the Graph emulator, and the lab's state kept in a fresh folder per workspace, so a test
 * can set the scene and read the end state of both directories through the lab.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_STATE_DIR } from '../../../src/cli/access-options.js';
import { applyCommand } from '../../../src/cli/apply.js';
import { runDrift } from '../../../src/cli/drift.js';
import { runPlan } from '../../../src/cli/plan.js';
import { runSnapshot } from '../../../src/cli/snapshot.js';
import { startLab, type Lab } from '../../../src/lab/in-process-lab.js';
import type { DriftReport } from '../../../src/model/drift-report.js';
import type { Snapshot } from '../../../src/model/observed.js';
import type { Plan } from '../../../src/model/plan.js';
import { readSnapshotFile } from '../../../src/observe/snapshot-file.js';
import { captureIo } from '../../helpers/cli-io.js';

/** The lab identities these tests sign in as (src/lab/identities.ts). */
export type IdentityName = 'application' | 'global-admin' | 'global-reader';

/** The clock of every command (captureIo's default): the lab starts there. */
const NOW = new Date('2026-11-21T12:00:00Z');

export interface CliRun {
  code: number;
  /** stdout and stderr, as a terminal shows them. */
  text: string;
}

/** A working folder with its own lab state (.entra-soa/lab) and manifest.yaml. */
export class LabWorkspace {
  readonly cwd = mkdtempSync(join(tmpdir(), 'entra-soa-identities-'));

  /** Opens the workspace's lab (the sample company on first use) to set the scene or read it; saved on close. */
  async atLab<T>(fn: (lab: Lab) => T | Promise<T>): Promise<T> {
    const lab = await startLab({ stateDir: join(this.cwd, LAB_STATE_DIR), now: NOW });
    try {
      return await fn(lab);
    } finally {
      await lab.close();
    }
  }

  /** `entra-soa plan -f manifest.yaml --lab --lab-identity NAME --out plan.json --detailed-exitcode`. */
  async plan(identity: IdentityName, manifest: string): Promise<CliRun & { plan: Plan | null }> {
    writeFileSync(join(this.cwd, 'manifest.yaml'), manifest);
    rmSync(join(this.cwd, 'plan.json'), { force: true });
    const t = captureIo(this.cwd, {}, { mergeStderr: true });
    const code = await runPlan(t.io, { file: 'manifest.yaml', lab: true, labIdentity: identity, out: 'plan.json', format: 'human', detailedExitcode: true, color: false });
    const file = join(this.cwd, 'plan.json');
    return { code, text: t.text(), plan: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Plan) : null };
  }

  /** `entra-soa apply plan.json --lab --lab-identity NAME --auto-approve`. */
  async apply(identity: IdentityName): Promise<CliRun> {
    const t = captureIo(this.cwd, {}, { mergeStderr: true });
    let code = -1;
    const cmd = applyCommand(t.io, (c) => {
      code = c;
    });
    await cmd.handler({
      plan: 'plan.json',
      autoApprove: true,
      lab: true,
      labIdentity: identity,
      allowDisruptive: false,
      allowIrreversible: false,
      allowExceedDeletionThreshold: false,
      concurrency: 4,
      color: false,
      _: [],
      $0: 'entra-soa',
    });
    return { code, text: t.text() };
  }

  /** `entra-soa snapshot -f manifest.yaml --lab --lab-identity NAME --out state.json`; the snapshot document. */
  async snapshot(identity: IdentityName, manifest: string): Promise<CliRun & { document: Snapshot | null }> {
    writeFileSync(join(this.cwd, 'manifest.yaml'), manifest);
    rmSync(join(this.cwd, 'state.json'), { force: true });
    const t = captureIo(this.cwd, {}, { mergeStderr: true });
    const code = await runSnapshot(t.io, { file: 'manifest.yaml', out: 'state.json', lab: true, labIdentity: identity });
    const file = join(this.cwd, 'state.json');
    // read back with the product's reader (formatVersion 2, JSON Lines)
    return { code, text: t.text(), document: existsSync(file) ? (await readSnapshotFile(file)).snapshot : null };
  }

  /** `entra-soa drift -f manifest.yaml --lab --lab-identity NAME --report-dir drift`; report.json. */
  async drift(identity: IdentityName, manifest: string): Promise<CliRun & { report: DriftReport | null }> {
    writeFileSync(join(this.cwd, 'manifest.yaml'), manifest);
    const dir = join(this.cwd, 'drift');
    rmSync(dir, { recursive: true, force: true });
    const t = captureIo(this.cwd, {}, { mergeStderr: true });
    const code = await runDrift(t.io, { file: 'manifest.yaml', reportDir: 'drift', lab: true, labIdentity: identity });
    const file = join(dir, 'report.json');
    return { code, text: t.text(), report: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DriftReport) : null };
  }
}
