/**
 * Settling a seed: run sync cycles on it until one changes nothing, so that the state a lab starts
 * from is one a real tenant with Entra Connect running could be in (scripts/gen-lab-seed.mjs uses it
 * for the sample company). Deterministic: the seed's own clock and id generator, no wall clock.
 */
import type { LabSeed } from './seed.js';
import { instantiateSeed } from './seed.js';
import { runSyncCycle } from './sync-cycle.js';
import type { SyncCycleReport } from './sync-report.js';
import { syncCycleChangedNothing } from './sync-report.js';

/** The settled seed and the cycles it took (the last one changed nothing). */
export interface SettledSeed {
  seed: LabSeed;
  cycles: SyncCycleReport[];
}

/** Run cycles until one changes nothing; fails after `maxCycles` (default 10). */
export async function settleSeed(seed: LabSeed, opts: { maxCycles?: number } = {}): Promise<SettledSeed> {
  const maxCycles = opts.maxCycles ?? 10;
  const { tenant, directory, syncConfig, random } = instantiateSeed(seed);
  const cycles: SyncCycleReport[] = [];
  for (let i = 1; i <= maxCycles; i++) {
    const report = await runSyncCycle({ directory, tenant, config: syncConfig });
    report.cycle = i;
    cycles.push(report);
    if (syncCycleChangedNothing(report)) {
      return { seed: { ...seed, randomSeed: random.state, tenant: tenant.toJSON(), directory: directory.toJSON() }, cycles };
    }
  }
  throw new Error(`the seed "${seed.name}" did not settle in ${maxCycles} sync cycles; the last one: ${cycles[cycles.length - 1]?.message ?? ''}`);
}
