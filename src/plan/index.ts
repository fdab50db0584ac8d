export { buildPlan, type PlanInput } from './build-plan.js';
export { changedAttributes, fingerprintObjects } from '../identity/fingerprints.js';
export { restoreWindow, RESTORE_WINDOW_DAYS, type RestoreWindow } from './restore-window.js';
