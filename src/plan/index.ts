export { buildPlan, type PlanInput } from './build-plan.js';
export { fingerprintObjects } from './fingerprints.js';
