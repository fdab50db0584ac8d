export { loadManifestFile, loadManifestText, formatDiagnostics } from './load.js';
export type { ManifestLoadResult } from './load.js';
export { MANIFEST_DEFAULTS } from './normalise.js';
export { durationToSeconds } from './duration.js';
export { dnComponents, dnIsWithin, dnKey as normalizeDn } from '../model/dn.js';
export { upnGlobToRegExp, upnMatchesGlob } from './upn-glob.js';
export { userSelectorKey, userRuleIntent } from './semantic.js';
export { manifestSchema, manifestSchemaPath } from './schema.js';
