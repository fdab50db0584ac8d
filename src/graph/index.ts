/** The Graph side of the library's public surface (re-exported by src/index.ts). */
export { createGraphClient, newGraphTraffic, type GraphClientOptions, type GraphTraffic } from './client.js';
export {
  AUTH_METHODS,
  DEFAULT_GRAPH_ENDPOINT,
  CredentialConfigError,
  StaticTokenCredential,
  authProviderFor,
  buildCredential,
  staticTokenAuthProvider,
  type AuthMethod,
  type CredentialOptions,
} from './credentials.js';
export { GraphEntraAccess, type GraphEntraAccessOptions } from './entra-access.js';
export { STEP_PERMISSIONS, READ_PERMISSIONS, type PermissionRequirement } from './permissions.js';
