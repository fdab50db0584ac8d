export { createGraphClient, newGraphTraffic, normaliseEndpoint, type GraphClientOptions, type GraphTraffic } from './client.js';
export {
  AUTH_METHODS,
  DEFAULT_GRAPH_ENDPOINT,
  CredentialConfigError,
  StaticTokenCredential,
  authProviderFor,
  buildCredential,
  defaultAuthorityHost,
  graphScopes,
  staticTokenAuthProvider,
  type AuthMethod,
  type CredentialOptions,
} from './credentials.js';
export {
  GraphEntraAccess,
  USER_SELECT,
  GROUP_SELECT,
  DELETED_USER_SELECT,
  CLEARABLE_ATTRIBUTES,
  ROLES_TTL_MS,
  needsSyncBehavior,
  isCloudManagedFrom,
  type GraphEntraAccessOptions,
  type ReadStats,
} from './entra-access.js';
export { runBatch, chunkRequests, MAX_BATCH_SIZE, type BatchRequest, type BatchResult, type BatchOptions, type BatchStats } from './batch.js';
export { WritePacer, GRAPH_WRITE_BUDGET, type WriteBudget, type PacerClock } from './pacer.js';
export { toGraphError, graphErrorFromBody, describeGraphError, retryAfterSecondsOf, type ErrorContext } from './errors.js';
export { STEP_PERMISSIONS, READ_PERMISSIONS, stepPermissions, permissionsTableMarkdown, type PermissionRequirement } from './permissions.js';
export { PRIVILEGED_ROLE_TEMPLATES, isPrivilegedRoleTemplate } from './roles.js';
