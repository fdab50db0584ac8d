// The lab is an independent judge (docs/lab.md, docs/lab-graph.md): src/lab/** imports nothing of the product
// but src/model's types and constants. Every import of every file is parsed (static, re-export,
// dynamic, type-only); there is no exceptions list.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, tsFiles, type ImportUse } from '../../helpers/imports.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const LAB = join(ROOT, 'src', 'lab');
const MODEL = join(ROOT, 'src', 'model');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
const DEPENDENCIES = new Set(Object.keys(pkg.dependencies ?? {}));

/** A constant (SCREAMING_CASE) or the contract's error class: what src/lab may take from src/model besides types. */
const MODEL_VALUE = /^([A-Z][A-Z0-9_]*|[A-Z][A-Za-z]*Error)$/;

function problem(u: ImportUse): string | null {
  const where = `${relative(ROOT, u.file)}: '${u.spec}'`;
  if (u.spec.startsWith('.')) {
    const target = resolve(dirname(u.file), u.spec);
    if (target.startsWith(LAB + sep)) return null;
    if (target.startsWith(MODEL + sep)) {
      const bad = u.values.filter((v) => !MODEL_VALUE.test(v));
      return bad.length ? `${where} imports ${bad.join(', ')} from src/model (only types and constants are allowed)` : null;
    }
    return `${where} leaves src/lab and src/model`;
  }
  if (u.spec.startsWith('node:') || builtinModules.includes(u.spec)) return null;
  const pkgName = u.spec.startsWith('@') ? u.spec.split('/').slice(0, 2).join('/') : (u.spec.split('/')[0] ?? '');
  return DEPENDENCIES.has(pkgName) ? null : `${where} is not a declared dependency`;
}

describe('src/lab is an independent judge', () => {
  const files = tsFiles(LAB);
  const uses = files.flatMap(importsOf);

  it('imports only src/lab itself, types and constants of src/model, node builtins and declared dependencies', () => {
    expect(files.length).toBeGreaterThan(15);
    expect(uses.length).toBeGreaterThan(50);
    expect(uses.map(problem).filter((p): p is string => p !== null)).toEqual([]);
  });

  it('the rule catches what it forbids (a check that cannot fail is no check)', () => {
    const at = join(LAB, 'x.ts');
    expect(problem({ file: at, spec: '../observe/select.js', values: ['inSyncScope'] })).toMatch(/leaves src\/lab/);
    expect(problem({ file: at, spec: '../cli/version.js', values: [] })).toMatch(/leaves src\/lab/);
    expect(problem({ file: at, spec: '../model/anchor.js', values: ['guidToImmutableId'] })).toMatch(/only types and constants/);
    expect(problem({ file: at, spec: '../model/observed.js', values: ['HARD_MATCH_RESTRICTION_DATE'] })).toBeNull();
    expect(problem({ file: at, spec: '../model/directory.js', values: ['DirectoryError'] })).toBeNull();
    expect(problem({ file: at, spec: 'left-pad', values: ['*'] })).toMatch(/not a declared dependency/);
    expect(problem({ file: at, spec: 'node:fs', values: ['*'] })).toBeNull();
    const parsed = importsOf(join(LAB, 'sync-cycle.ts'));
    expect(parsed.find((u) => u.spec === '../model/observed.js')?.values).toEqual([]);
  });
});
