/**
 * `entra-soa export [-f manifest.yaml] [--snapshot F | --lab | live options] --out manifest.yaml`
 *
 * Reads the current state and writes a starter manifest that describes it (src/export/). Settings
 * given by an existing manifest (-f) or by flags win over what export reads or infers. The written
 * manifest is checked before it is written: planned against the same state, it plans no changes.
 */
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { ExportGiven } from '../export/build-manifest.js';
import { exportManifest } from '../export/export-manifest.js';
import { MANIFEST_DEFAULTS } from '../manifest/normalise.js';
import type { DesiredState } from '../model/desired.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { SourceAnchorAttribute } from '../model/observed.js';
import { EXIT, errorLine, type CliIo } from './io.js';
import { FORCE_OPTION, OWN_OPTIONS } from './options.js';
import { conflictingSources, obtainObservedState, sourceOptions, type SourceArgs } from './source.js';
import { tenantMismatch } from '../identity/tenant-match.js';
import { TOOL } from '../meta/version.js';
import { readManifest } from './read-document.js';
import { checkOutTarget, writeDocumentFile } from './write-document.js';

/** Arguments of `entra-soa export`. */
export interface ExportArgs extends SourceArgs {
  file?: string;
  out: string;
  force?: boolean;
  adBaseDn?: string;
  sourceAnchor?: SourceAnchorAttribute;
  syncScopeInclude?: string[];
  syncScopeExclude?: string[];
  unsyncedOu?: string;
}

export function exportCommand(io: CliIo, done: (exitCode: number) => void): CommandModule<object, ExportArgs> {
  return {
    command: 'export',
    describe: 'Write a starter manifest that describes the directories as they are (plan of it plans no changes)',
    builder: (y: Argv) =>
      sourceOptions(y)
        .option('out', { alias: 'o', type: 'string', demandOption: true, group: OWN_OPTIONS, describe: 'Where to write the manifest (--out=- for stdout)' })
        .option('file', { alias: 'f', type: 'string', group: OWN_OPTIONS, describe: 'An existing manifest to take the tenant id, AD connection, source anchor and sync scope from' })
        .option('ad-base-dn', { type: 'string', group: 'Live access:', describe: 'AD naming context to read (live export without -f)' })
        .option('source-anchor', { group: OWN_OPTIONS, choices: ['mS-DS-ConsistencyGuid', 'objectGUID'] as const, describe: 'Entra Connect\'s source anchor (default: -f, else inferred from the links)' })
        .option('sync-scope-include', { group: OWN_OPTIONS, type: 'string', array: true, describe: 'OUs Entra Connect syncs (default: -f, else inferred from which users are synced)' })
        .option('sync-scope-exclude', { group: OWN_OPTIONS, type: 'string', array: true, describe: 'OUs excluded inside the included ones' })
        .option('force', FORCE_OPTION)
        .option('unsynced-ou', { group: OWN_OPTIONS, type: 'string', describe: 'An OU Entra Connect does not sync (for method scopeRemoval)' }) as unknown as Argv<ExportArgs>,
    handler: async (args) => {
      done(await runExport(io, args));
    },
  };
}

/** What the flags and the manifest (-f) give; flags win. */
function givenSettings(args: ExportArgs, desired: DesiredState | null): ExportGiven {
  const given: ExportGiven = {};
  const tenantId = args.tenantId ?? desired?.tenant.id;
  if (tenantId !== undefined) given.tenantId = tenantId;
  const endpoint = args.graphEndpoint ?? desired?.tenant.graphEndpoint;
  if (endpoint !== undefined) given.graphEndpoint = endpoint;
  const conn = desired?.activeDirectory.connection;
  const connection: NonNullable<ExportGiven['connection']> = {};
  const url = args.adUrl ?? conn?.url;
  if (url !== undefined) connection.url = url;
  const bindDn = args.adBindDn ?? conn?.bindDn;
  if (bindDn !== undefined) connection.bindDn = bindDn;
  const passwordEnv = args.adPasswordEnv ?? conn?.bindPasswordEnv;
  if (passwordEnv !== undefined) connection.bindPasswordEnv = passwordEnv;
  if (conn?.caFile !== undefined) connection.caFile = conn.caFile;
  if (conn?.startTls === true) connection.startTls = true;
  given.connection = connection;
  const anchor = args.sourceAnchor ?? desired?.activeDirectory.sourceAnchor;
  if (anchor !== undefined) given.sourceAnchor = anchor;
  if (args.syncScopeInclude !== undefined || args.syncScopeExclude !== undefined) {
    given.syncScope = { include: args.syncScopeInclude ?? [], exclude: args.syncScopeExclude ?? [] };
  } else if (desired !== null) {
    given.syncScope = { include: [...desired.activeDirectory.syncScope.include], exclude: [...desired.activeDirectory.syncScope.exclude] };
  }
  const unsynced = args.unsyncedOu ?? desired?.activeDirectory.unsyncedOu;
  if (unsynced !== undefined) given.unsyncedOu = unsynced;
  return given;
}

/**
 * The desired state the readers need (tenant, AD connection) when there is no manifest: built from the
 * flags. Null with a message when a live read lacks a setting.
 */
function readerShell(args: ExportArgs, given: ExportGiven): { desired: DesiredState } | { message: string } {
  const live = args.snapshot === undefined && args.lab !== true;
  const c = given.connection ?? {};
  if (live) {
    const missing = [
      given.tenantId === undefined ? '--tenant-id' : null,
      c.url === undefined ? '--ad-url' : null,
      args.adBaseDn === undefined ? '--ad-base-dn' : null,
      c.bindDn === undefined ? '--ad-bind-dn' : null,
      c.bindPasswordEnv === undefined ? '--ad-password-env' : null,
    ].filter((x): x is string => x !== null);
    if (missing.length > 0) {
      return { message: `a live export without -f needs ${missing.join(', ')} (or -f an existing manifest, --snapshot F, or --lab)` };
    }
  }
  const location = { file: '(flags)', line: 1, col: 1 };
  return {
    desired: {
      file: '(flags)',
      digest: '',
      tenant: { id: given.tenantId ?? '', features: {}, location, ...(given.graphEndpoint !== undefined ? { graphEndpoint: given.graphEndpoint } : {}) },
      activeDirectory: {
        connection: { url: c.url ?? '', baseDn: args.adBaseDn ?? '', bindDn: c.bindDn ?? '', bindPasswordEnv: c.bindPasswordEnv ?? '', startTls: false },
        sourceAnchor: given.sourceAnchor ?? 'mS-DS-ConsistencyGuid',
        syncScope: { include: [], exclude: [] },
        location,
      },
      users: [],
      groups: [],
      allow: { disruptive: false, irreversible: false, exceedDeletionThreshold: false },
      sync: { timeoutS: MANIFEST_DEFAULTS.syncTimeoutS, pollIntervalS: MANIFEST_DEFAULTS.syncPollIntervalS, deletionWaves: false },
    },
  };
}

/** The export command's work, returning the exit code. */
async function runExport(io: CliIo, args: ExportArgs): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(errorLine('export', message));
    return EXIT.error;
  };
  const conflict = conflictingSources(args);
  if (conflict !== null) return fail(conflict);
  if (args.out === '') return fail('--out needs a file name (or --out - for stdout)');
  const target = args.out === '-' ? null : resolve(io.cwd, args.out);
  if (target !== null) {
    // An input is never replaced, even with --force: the export reads it (compared as files: a link to it is it).
    const inputs = [
      ...(args.file !== undefined ? [{ path: resolve(io.cwd, args.file), role: 'the manifest' }] : []),
      ...(args.snapshot !== undefined ? [{ path: resolve(io.cwd, args.snapshot), role: 'the input snapshot' }] : []),
    ];
    const refused = await checkOutTarget({ path: target, shown: args.out }, 'manifest', {
      force: args.force === true,
      inputs: [],
      protect: inputs,
      protectedMessage: () => `--out ${args.out} is also an input of this export: write the manifest to another file`,
    });
    if (refused !== null) return fail(refused);
  }
  let desired: DesiredState | null = null;
  if (args.file !== undefined) {
    const loaded = await readManifest(io, args.file);
    if ('wrongKind' in loaded) return fail(loaded.wrongKind);
    for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    if (loaded.desired === null) {
      return fail(`the manifest ${args.file} has errors (above): fix them, or leave out -f and give the settings as flags`);
    }
    desired = loaded.desired;
  }
  const given = givenSettings(args, desired);
  const shell = desired !== null ? { desired } : readerShell(args, given);
  if ('message' in shell) return fail(shell.message);
  const observed = await obtainObservedState(args, shell.desired, io);
  if (!observed.ok) return fail(observed.message);
  if (desired !== null) {
    const mismatch = tenantMismatch({ manifestFile: desired.file, manifestTenantId: desired.tenant.id, observedTenantId: observed.observed.tenant.tenantId, source: observed.source });
    if (mismatch !== null) return fail(mismatch);
  }
  const result = exportManifest({
    observed: observed.observed,
    given,
    source: observed.source,
    createdAt: io.now().toISOString(),
    tool: TOOL,
    file: args.out === '-' ? 'manifest.yaml' : args.out,
  });
  if (!result.ok) return fail(result.message);
  if (target === null) {
    io.stdout(result.text);
  } else {
    try {
      await writeDocumentFile(target, result.text);
    } catch (err) {
      return fail(`cannot write ${args.out}: ${err instanceof Error ? err.message : String(err)}. Check that the folder exists and is writable`);
    }
  }
  const s = result.summary;
  io.stderr(
    `${target === null ? 'exported' : `wrote ${args.out}`}: ${s.cloudManagedUsers} cloud-managed and ${s.linkedUsers} linked users in ${s.userRules} user rules ` +
      `(${s.ouRules} by OU), ${s.cloudManagedGroups} cloud-managed groups; source anchor ${s.sourceAnchor.value}${s.sourceAnchor.inferred ? ' (inferred)' : ''}; ` +
      `sync scope ${s.syncScope.inferred ? 'inferred' : 'as given'}${s.leftOut > 0 ? `; ${s.leftOut} objects or settings left out (see the comments)` : ''}. ` +
      'Planned against the same state it plans no changes. Check the TODO comments before using it.\n',
  );
  return EXIT.ok;
}
