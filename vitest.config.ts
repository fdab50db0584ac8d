import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// scripts/test.sh keeps what the runs wrote for the secrets scan: test folders go under
// <artifacts>/tmp (the workers' TMPDIR; the main process, which holds the Samba lock in the
// system temp folder, keeps its own) and are not removed (test/helpers/test-artifacts.ts).
const artifacts = process.env.ENTRA_SOA_ARTIFACTS_DIR;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/setup/global.ts'],
    ...(artifacts ? { env: { TMPDIR: join(artifacts, 'tmp') } } : {}),
  },
});
