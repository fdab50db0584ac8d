export { startGraphEmulator, type GraphEmulator, type GraphEmulatorOptions, type EmulatorStats, type AdminHandler } from './server.js';
export type { ThrottlingConfig } from './throttling.js';
export type { FaultConfig, FaultRule, FaultAction } from './faults.js';
export { graphErrorDate } from './protocol.js';
