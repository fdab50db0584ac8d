/**
 * entra-soa as a library: the same pipeline the command line runs, with every input passed in.
 *
 * ```
 * loadManifestFile / loadManifestText      → DesiredState
 * parseSnapshot, or observeLive(access)    → ObservedState
 * buildPlan({ desired, observed, … })      → Plan           (pure: no I/O, clock or environment)
 * encodePlan / decodePlan                  ↔ the plan document (JSON, `kind: entra-soa/plan`)
 * renderPlan(plan, 'human'|'json'|'markdown')  (writePlan / encodePlanChunks: the same in pieces)
 * applyPlan({ plan, entra, directory, … }) → ApplyReport    (the accesses are injected)
 * ```
 *
 * Access to a real tenant: `GraphEntraAccess` over `createGraphClient` with a credential from
 * `buildCredential` (or any `@azure/identity` TokenCredential through `authProviderFor`); AD through
 * `connectDirectory`. The local lab (a Graph emulator and an in-memory AD on 127.0.0.1) is
 * `entra-soa/lab`. docs/library.md has a worked example.
 */

// The shared types: manifest (DesiredState), observed state, steps, plans, hazards, diagnostics, accesses.
export type * from './model/index.js';
export { DirectoryError } from './model/directory.js';
export { GraphError } from './model/entra.js';
export { formatDiagnostic } from './model/diagnostic.js';
export { DELEGATED_ONLY_STEP_KINDS } from './steps/index.js';

// Load a manifest.
export { loadManifestFile, loadManifestText, formatDiagnostics, type ManifestLoadResult } from './manifest/load.js';
export { manifestSchema, manifestSchemaPath } from './manifest/schema.js';

// Observe: from a snapshot file, or live through injected accesses.
export { observeLive, snapshotFromObserved, type ObserveLiveInput } from './observe/live.js';
export { parseSnapshot, serializeSnapshot, SNAPSHOT_KIND, SNAPSHOT_FORMAT_VERSION } from './observe/snapshot.js';
export { readSnapshotFile, readSnapshotStream, writeSnapshotFile, writeSnapshotRecords, type SnapshotReadResult } from './observe/snapshot-file.js';
export { snapshotLines, type SnapshotHeader, type SnapshotRecord } from './observe/snapshot-lines.js';

// Live access: Microsoft Graph (client, credentials, access, permissions) and AD.
export {
  AUTH_METHODS,
  CredentialConfigError,
  DEFAULT_GRAPH_ENDPOINT,
  GraphEntraAccess,
  READ_PERMISSIONS,
  STEP_PERMISSIONS,
  StaticTokenCredential,
  authProviderFor,
  buildCredential,
  createGraphClient,
  newGraphTraffic,
  staticTokenAuthProvider,
  type AuthMethod,
  type CredentialOptions,
  type GraphClientOptions,
  type GraphEntraAccessOptions,
  type GraphTraffic,
  type PermissionRequirement,
} from './graph/index.js';
export { connectDirectory, type LdapDirectoryOptions } from './ad/index.js';
export { generatePassword } from './ad/password.js';

// Plan, and check that the state read is the manifest's tenant.
export { buildPlan, type PlanInput } from './plan/index.js';
export { tenantMismatch, type TenantMatchInput } from './identity/tenant-match.js';
export { TOOL } from './meta/version.js';

// The plan document and its renderings.
export {
  encodePlan,
  encodePlanChunks,
  decodePlan,
  renderPlan,
  writePlan,
  renderHuman,
  renderMarkdown,
  PLAN_KIND,
  PLAN_FORMAT_VERSION,
  PLAN_FORMATS,
  type DecodedPlan,
  type PlanFormat,
  type RenderOptions,
} from './render/index.js';

// Apply a plan with injected accesses.
export {
  applyPlan,
  checkPlanGate,
  planDigest,
  openJournal,
  memoryJournal,
  fileSecretSink,
  runApplySession,
  type ApplySessionInput,
  type ApplySessionResult,
  type ApplyAccess,
  type ApplySessionEvent,
  type ApplyInput,
  type ApplyEvent,
  type ApplyReport,
  type StepResult,
  type StepStatus,
  type Journal,
  type SecretSink,
} from './apply/index.js';
export { processInterrupts, type InterruptSource } from './apply/interrupts.js';
// What an apply tells people or programs (the views of its events).
export { summaryLines, formatStepResult, humanApplyView, jsonApplyView, APPLY_FORMATS, type ApplyFormat, type ApplyViewOutput } from './render/apply-view.js';
