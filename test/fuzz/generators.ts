/**
 * Seeded generators of hostile manifests, snapshots and plan files for the fuzz test: valid
 * documents from examples/ mutated structurally (a value replaced, a key deleted, a string swapped
 * for a nasty one that keeps the document valid), textually (truncated, characters inserted or
 * cut) and pathologically (deep nesting, alias bombs, huge strings, dependency cycles).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { encodePlan } from '../../src/document/plan-document.js';
import { samplePlan } from '../unit/render/sample-plan.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BASE_MANIFEST = readFileSync(join(ROOT, 'examples', 'scope-removal', 'manifest.yaml'), 'utf8');
export const BASE_SNAPSHOT = readFileSync(join(ROOT, 'examples', 'scope-removal', 'snapshot.json'), 'utf8');
export const BASE_PLAN = encodePlan(samplePlan());
const FULL_MANIFEST = readFileSync(join(ROOT, 'test', 'fixtures', 'manifests', 'full.yaml'), 'utf8');

/** Strings that have broken parsers, terminals and DN code before. */
const NASTY = [
  '',
  ' ',
  '\u001b[2J\u001b]0;owned\u0007',
  'a\rforged line',
  'line\nbreak',
  '\u202eevil\u2066',
  '\u0000nul',
  '\u0085\u009b31m',
  'CN=Trailing Space\\ ,OU=Staff,DC=contoso,DC=com',
  'CN=Smith\\, John,OU=Staff,DC=contoso,DC=com',
  'CN=broken\\',
  'OU=a\\,OU=b,DC=contoso,DC=com',
  '#lead',
  '\\5c\\2c\\',
  'user@contoso.com',
  '@',
  '*@*',
  'ldaps://svc:Fuzz-Secret-1@dc1.contoso.com',
  'ldap://dc1.contoso.com',
  '&anchor',
  '*alias',
  '!!python/object:os.system',
  '? key',
  '- item',
  '{ [ ] }',
  '"\'`',
  '__proto__',
  'constructor',
  'toString',
  '0',
  '-1',
  '1e999',
  'NaN',
  'true',
  'null',
  'Zoë Ærø 🚀 日本',
  '\ud83d',
  'x'.repeat(5000),
  '9'.repeat(400),
  '6f1c2d9e-0000-4000-8000-000000000001',
  '2026-11-21T12:00:00Z',
];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
);

/** Any JSON value, nasty strings included, or a deeply nested array. */
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((d) => deepArray(d)) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1.5, 2 ** 53, -0, 1e308) },
);

/** A placeholder for an array nested `depth` deep, expanded in the text after stringify (which would recurse). */
function deepArray(depth: number): string {
  return `__DEEP_${depth}__`;
}

function expandDeep(text: string): string {
  return text.replace(/"?__DEEP_(\d+)__"?/g, (_, d: string) => `${'['.repeat(Number(d))}${']'.repeat(Number(d))}`);
}

/** One change to a parsed document, addressed by a random walk (`steps` pick a child at each level). */
type Mutation =
  | { kind: 'replace'; steps: number[]; value: unknown }
  | { kind: 'replace-string'; steps: number[]; value: string }
  | { kind: 'delete'; steps: number[] };

const steps = fc.array(fc.nat(), { minLength: 1, maxLength: 8 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replace' as const), steps, value: jsonish }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace-string' as const), steps, value: nastyString }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), steps }) },
);

function children(v: unknown): (string | number)[] {
  if (Array.isArray(v)) return v.map((_, i) => i);
  if (v !== null && typeof v === 'object') return Object.keys(v);
  return [];
}

/** Apply one mutation in place. `replace-string` walks to a string leaf and keeps the shape valid. */
function mutate(doc: unknown, m: Mutation): unknown {
  let parent: Record<string | number, unknown> | null = null;
  let key: string | number | null = null;
  let cur = doc;
  for (const s of m.steps) {
    const ks = children(cur);
    if (ks.length === 0) break;
    key = ks[s % ks.length] as string | number;
    parent = cur as Record<string | number, unknown>;
    cur = parent[key];
    if (m.kind === 'replace-string' && typeof cur === 'string') break;
  }
  if (parent === null || key === null) return m.kind === 'delete' ? doc : m.value;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.kind === 'replace' || typeof cur === 'string') parent[key] = m.value;
  return doc;
}

/** A textual edit: cut `cut` characters at `at` and insert `insert` there. */
const textEdit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.nat({ max: 30 }), insert: fc.oneof(nastyString, fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\n', '  ', '\t', '&a ', '*a', '<<: *a')) });

function editText(text: string, e: { at: number; cut: number; insert: string }): string {
  const at = Math.floor(e.at * text.length);
  return text.slice(0, at) + e.insert + text.slice(at + e.cut);
}

/** A JSON document (snapshot or plan) mutated structurally, then maybe textually. */
function jsonDocument(base: string, extra: fc.Arbitrary<(doc: unknown) => unknown> = fc.constant((d: unknown) => d)): fc.Arbitrary<string> {
  const structural = fc
    .tuple(fc.array(mutation, { minLength: 1, maxLength: 4 }), extra, fc.boolean())
    .map(([ms, tweak, pretty]) => {
      let doc = tweak(JSON.parse(base) as unknown);
      for (const m of ms) doc = mutate(doc, m);
      return expandDeep(JSON.stringify(doc, null, pretty ? 2 : undefined) ?? 'null');
    });
  // One string swapped for a nasty one: the document often stays valid, so the planner and renderers see it.
  const mild = fc.tuple(fc.record({ kind: fc.constant('replace-string' as const), steps, value: nastyString }), extra).map(([m, tweak]) =>
    JSON.stringify(mutate(tweak(JSON.parse(base) as unknown), m), null, 2),
  );
  return fc.oneof(
    { weight: 5, arbitrary: mild },
    { weight: 6, arbitrary: structural },
    { weight: 2, arbitrary: fc.tuple(structural, fc.array(textEdit, { minLength: 1, maxLength: 3 })).map(([t, es]) => es.reduce(editText, t)) },
    { weight: 1, arbitrary: fc.nat({ max: base.length }).map((n) => base.slice(0, n)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 200_000 }).map((d) => base.replace(/"(kind|source|createdAt)": [^,\n]*/, `"$1": ${'['.repeat(d)}${']'.repeat(d)}`)) },
  );
}

export const snapshotText: fc.Arbitrary<string> = jsonDocument(BASE_SNAPSHOT);

/** Plans: also dependencies rewired among existing ids (cycles, self-dependencies) and dangling ones. */
export const planText: fc.Arbitrary<string> = jsonDocument(
  BASE_PLAN,
  fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 4 }).map((edges) => (doc: unknown) => {
    const stepsOf = (doc as { steps?: { id: string; dependsOn: string[] }[] }).steps ?? [];
    for (const [from, to, dangling] of edges) {
      const a = stepsOf[from % Math.max(1, stepsOf.length)];
      const b = stepsOf[to % Math.max(1, stepsOf.length)];
      if (a && b) a.dependsOn = [...a.dependsOn, dangling ? `${b.id}-gone` : b.id];
    }
    return doc;
  }),
);

/** Manifests: the example and the full fixture, mutated as data (then written as YAML) or as text, and YAML bombs. */
export const manifestText: fc.Arbitrary<string> = (() => {
  const structural = fc
    .tuple(fc.constantFrom(BASE_MANIFEST, FULL_MANIFEST), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom<'block' | 'flow'>('block', 'flow'))
    .map(([base, ms, style]) => {
      let doc = parse(base) as unknown;
      for (const m of ms) doc = mutate(doc, m);
      return expandDeep(style === 'flow' ? `${JSON.stringify(doc) ?? 'null'}\n` : stringify(doc));
    });
  const textual = fc.tuple(fc.constantFrom(BASE_MANIFEST, FULL_MANIFEST), fc.array(textEdit, { minLength: 1, maxLength: 4 })).map(([t, es]) => es.reduce(editText, t));
  const bombs = fc.oneof(
    fc.integer({ min: 2, max: 14 }).map((levels) => {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
      return `${lines.join('\n')}\n`;
    }),
    fc.integer({ min: 100, max: 30_000 }).map((d) => `users: ${'['.repeat(d)}${']'.repeat(d)}\n`),
    fc.integer({ min: 100, max: 3000 }).map((d) => `users:\n${Array.from({ length: d }, (_, i) => `${'  '.repeat(i + 1)}- `).join('\n')}x\n`),
    fc.constantFrom('users: &x [*x]\n', 'a: &x {b: *x}\n', '? [a, b]\n: c\n', '--- a\n--- b\n', '%YAML 1.1\n---\na: b\n', 'a: !!binary aGVsbG8=\n', `${BASE_MANIFEST}\n${BASE_MANIFEST}`),
    fc.integer({ min: 1, max: 3000 }).map((n) => `${BASE_MANIFEST}${Array.from({ length: n }, () => 'allow: {}\n').join('')}`),
  );
  const mild = fc.tuple(fc.constantFrom(BASE_MANIFEST, FULL_MANIFEST), fc.record({ kind: fc.constant('replace-string' as const), steps, value: nastyString })).map(([base, m]) =>
    stringify(mutate(parse(base) as unknown, m)),
  );
  return fc.oneof(
    { weight: 4, arbitrary: mild },
    { weight: 5, arbitrary: structural },
    { weight: 3, arbitrary: textual },
    { weight: 1, arbitrary: bombs },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  );
})();
