// The layout's import rules (issue 11): each folder of src/ names the folders, packages and Node
// builtins it may import. The pure core (model, identity, document, steps, plan, render) does no I/O;
// the library entry point does not reach into the command line; the commands do not import each other.
// Every import of every file is parsed (static, re-export, dynamic, type-only); there is no exceptions list.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, tsFiles, type ImportUse } from '../helpers/imports.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
const DEPENDENCIES = new Set(Object.keys(pkg.dependencies ?? {}));

interface Layer {
  /** Other folders of src/ this folder may import. */
  src: readonly string[];
  /** npm packages it may import (each must also be a declared dependency). `*`: any declared one. */
  packages: readonly string[] | '*';
  /** Node builtins it may import. `*`: any. */
  node: readonly string[] | '*';
}

const PURE = { packages: [], node: [] } as const;

/** The layers, from the core outwards. A folder missing here fails the test until it is placed. */
const LAYERS: Record<string, Layer> = {
  model: { src: [], packages: [], node: ['node:crypto'] },
  meta: { src: [], packages: [], node: ['node:fs', 'node:path', 'node:url'] },
  identity: { src: ['model'], ...PURE },
  steps: { src: ['model', 'identity'], packages: ['diff'], node: [] },
  document: { src: ['model', 'steps'], ...PURE },
  plan: { src: ['model', 'identity', 'steps'], ...PURE },
  render: { src: ['model', 'identity', 'steps', 'document'], packages: ['diff', 'picocolors'], node: [] },
  manifest: { src: ['model'], packages: ['ajv', 'yaml'], node: '*' },
  observe: { src: ['model', 'identity'], packages: ['ajv'], node: '*' },
  graph: { src: ['model', 'steps'], packages: ['@azure/identity', '@microsoft/microsoft-graph-client'], node: '*' },
  ad: { src: ['model'], packages: ['ldapts'], node: '*' },
  apply: { src: ['model', 'identity', 'steps', 'document', 'plan', 'observe', 'render'], packages: ['proper-lockfile'], node: '*' },
  drift: { src: ['model', 'identity', 'steps', 'document', 'plan'], packages: [], node: '*' },
  export: { src: ['model', 'identity', 'steps', 'manifest', 'plan'], packages: ['yaml'], node: '*' },
  lab: { src: ['model'], packages: '*', node: '*' },
  cli: { src: ['meta', 'model', 'identity', 'steps', 'document', 'plan', 'render', 'manifest', 'observe', 'graph', 'ad', 'apply', 'drift', 'export', 'lab'], packages: '*', node: '*' },
};
/** src/index.ts, the library's entry point: anything but the command line. */
const ENTRY: Layer = { src: Object.keys(LAYERS).filter((l) => l !== 'cli'), packages: '*', node: '*' };

function packageOf(spec: string): string {
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? '');
}

/** The folder of src/ a file belongs to ('' for a file directly in src/). */
function folderOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes(sep) ? (rel.split(sep)[0] ?? '') : '';
}

/** The command modules: what src/cli/commands.ts registers. Only commands.ts may import them. */
function commandModules(): Set<string> {
  const commands = join(SRC, 'cli', 'commands.ts');
  return new Set(
    importsOf(commands)
      .filter((u) => u.spec.startsWith('./') && u.values.some((v) => v.endsWith('Command')))
      .map((u) => resolve(SRC, 'cli', u.spec.replace(/\.js$/, '.ts'))),
  );
}

function problem(u: ImportUse, commands: ReadonlySet<string>): string | null {
  const from = folderOf(u.file);
  const layer = from === '' ? ENTRY : LAYERS[from];
  const where = `${relative(ROOT, u.file)}: '${u.spec}'`;
  if (!layer) return `${relative(ROOT, u.file)}: src/${from} has no place in the import rules (add it to LAYERS)`;
  if (u.spec.startsWith('.')) {
    const target = resolve(dirname(u.file), u.spec.replace(/\.js$/, '.ts'));
    if (!target.startsWith(SRC + sep)) return `${where} leaves src/`;
    const to = folderOf(target);
    if (to === '') return `${where} imports the library entry point`;
    if (to !== from && !layer.src.includes(to)) return `${where}: src/${from || '(entry)'} may not import src/${to}`;
    if (from === 'cli' && to === 'cli' && commands.has(target) && basename(u.file) !== 'commands.ts') {
      return `${where}: a command imports another command (share the piece through a module of its own)`;
    }
    return null;
  }
  if (u.spec.startsWith('node:') || builtinModules.includes(u.spec)) {
    const name = u.spec.startsWith('node:') ? u.spec : `node:${u.spec}`;
    return layer.node === '*' || layer.node.includes(name) ? null : `${where}: src/${from} may not use ${name}`;
  }
  const name = packageOf(u.spec);
  if (!DEPENDENCIES.has(name)) return `${where} is not a declared dependency`;
  return layer.packages === '*' || layer.packages.includes(name) ? null : `${where}: src/${from} may not use the package ${name}`;
}

describe('import rules of the layout', () => {
  const files = tsFiles(SRC);
  const commands = commandModules();

  it('every folder of src/ has a place in the rules', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !(f in LAYERS))).toEqual([]);
  });

  it('every import of every file of src/ follows its folder’s rule', () => {
    const uses = files.flatMap(importsOf);
    expect(files.length).toBeGreaterThan(150);
    expect(commands.size).toBeGreaterThanOrEqual(8);
    expect(uses.map((u) => problem(u, commands)).filter((p): p is string => p !== null)).toEqual([]);
  });

  it('the rules catch what they forbid (a check that cannot fail is no check)', () => {
    const at = (folder: string, file = 'x.ts') => join(SRC, folder, file);
    expect(problem({ file: at('plan'), spec: '../graph/client.js', values: ['*'] }, commands)).toMatch(/src\/plan may not import src\/graph/);
    expect(problem({ file: at('render'), spec: 'node:fs', values: ['*'] }, commands)).toMatch(/may not use node:fs/);
    expect(problem({ file: at('model'), spec: 'yaml', values: ['*'] }, commands)).toMatch(/may not use the package yaml/);
    expect(problem({ file: at('lab'), spec: '../cli/version.js', values: [] }, commands)).toMatch(/src\/lab may not import src\/cli/);
    expect(problem({ file: join(SRC, 'index.ts'), spec: './cli/version.js', values: [] }, commands)).toMatch(/may not import src\/cli/);
    expect(problem({ file: at('apply'), spec: 'left-pad', values: ['*'] }, commands)).toMatch(/not a declared dependency/);
    expect(problem({ file: at('nowhere'), spec: '../model/plan.js', values: [] }, commands)).toMatch(/no place in the import rules/);
    const [someCommand] = [...commands];
    expect(someCommand).toBeDefined();
    expect(problem({ file: at('cli', 'other.ts'), spec: `./${basename(someCommand ?? '', '.ts')}.js`, values: ['*'] }, commands)).toMatch(/a command imports another/);
    expect(problem({ file: at('cli', 'commands.ts'), spec: `./${basename(someCommand ?? '', '.ts')}.js`, values: ['*'] }, commands)).toBeNull();
    expect(problem({ file: at('plan'), spec: '../identity/join.js', values: ['joinIdentities'] }, commands)).toBeNull();
  });
});
