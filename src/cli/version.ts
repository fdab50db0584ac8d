import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this file with our package.json (src/ under vitest, dist/src/ when built). */
export const PACKAGE_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown }).name === 'entra-soa') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('entra-soa: cannot find its own package.json');
    dir = parent;
  }
})();

/** The tool's name and version, from package.json (recorded in every plan). */
export const TOOL: { name: string; version: string } = (() => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
})();

/** What `version` and `--version` print. */
export const VERSION_LINE = `${TOOL.name} ${TOOL.version}`;
