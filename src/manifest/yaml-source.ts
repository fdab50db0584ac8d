import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';

/**
 * A parsed manifest with its source positions: the plain data (what the schema checks) and the
 * YAML tree (where each value came from).
 */
export interface YamlSource {
  file: string;
  /** The document as plain JS data; undefined when the YAML could not be parsed at all. */
  data: unknown;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** Where to point for a JSON pointer: at the value itself or at the key that holds it. */
export type LocateTarget = 'value' | 'key';

/** Manifests above this many characters are refused before parsing (a real one is a few hundred KB). */
export const MAX_MANIFEST_CHARS = 16 * 1024 * 1024;
/** The yaml library's bound on alias expansion (its "billion laughs" guard), see `toJS`. */
const MAX_ALIAS_COUNT = 1000;
/** At most this many values after aliases are expanded: aliases share one object, but every reader walks each use again. */
const MAX_EXPANDED_VALUES = 2_000_000;

/**
 * Parses YAML text keeping positions. Every YAML error (duplicate keys included) becomes a
 * `yaml-syntax` error with its line:col; YAML warnings become `yaml-syntax` warnings. The
 * messages carry no source excerpt, so a malformed line holding a secret is never echoed.
 * Bounded: text above {@link MAX_MANIFEST_CHARS}, alias expansion above the library's
 * `maxAliasCount` or above {@link MAX_EXPANDED_VALUES} values are errors, not work. Linear in the
 * size of the text (duplicate keys are found with one set per map, not the library's pairwise check).
 */
export function parseYamlSource(text: string, file: string): { source: YamlSource; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  if (text.length > MAX_MANIFEST_CHARS) {
    const doc = parseDocument('', { lineCounter });
    return {
      source: { file, data: undefined, doc, lineCounter },
      diagnostics: [
        {
          severity: 'error',
          code: 'yaml-syntax',
          message: `the manifest is ${text.length.toLocaleString('en-US')} characters long, more than the ${MAX_MANIFEST_CHARS.toLocaleString('en-US')} entra-soa reads; is it the right file?`,
          location: { file, line: 1, col: 1 },
        },
      ],
    };
  }
  // uniqueKeys is checked below: the library's own check compares each key with every earlier one.
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const fromYaml = (severity: Diagnostic['severity'], e: { code: string; message: string; pos: [number, number] }): Diagnostic => ({
    severity,
    code: 'yaml-syntax',
    message: yamlMessage(e.code, e.message),
    location: at(e.pos[0]),
  });
  for (const e of doc.errors) diagnostics.push(fromYaml('error', e));
  const { duplicates, aliases } = scanKeys(doc);
  for (const offset of duplicates) diagnostics.push(fromYaml('error', { code: 'DUPLICATE_KEY', message: 'Map keys must be unique', pos: [offset, offset] }));
  for (const w of doc.warnings) diagnostics.push(fromYaml('warning', w));
  let data: unknown;
  if (doc.errors.length === 0 && duplicates.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      // toJS throws for alias abuse ("billion laughs") and unresolvable aliases.
      const message = err instanceof Error ? err.message : String(err);
      diagnostics.push({
        severity: 'error',
        code: 'yaml-syntax',
        message: `${yamlMessage('', message)} (too many or unresolved aliases; write the values out)`,
        location: { file, line: 1, col: 1 },
      });
    }
    if (data !== undefined && aliases > 0 && !withinValueCount(data, MAX_EXPANDED_VALUES)) {
      data = undefined;
      diagnostics.push({
        severity: 'error',
        code: 'yaml-syntax',
        message: `with its aliases expanded the manifest holds more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values (an alias used inside the value it names, or too many aliases; write the values out)`,
        location: { file, line: 1, col: 1 },
      });
    }
  }
  return { source: { file, data, doc, lineCounter }, diagnostics };
}

/** Offsets of keys repeated within one map (by scalar value, as the yaml library compares them), and the number of aliases. */
function scanKeys(doc: Document.Parsed): { duplicates: number[]; aliases: number } {
  const duplicates: number[] = [];
  let aliases = 0;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) duplicates.push(pair.key.range?.[0] ?? 0);
        seen.add(pair.key.value);
      }
    },
    Alias() {
      aliases++;
    },
  });
  return { duplicates, aliases };
}

/** True when walking `data` (each use of a shared value again, as every reader does) meets at most `limit` values. */
function withinValueCount(data: unknown, limit: number): boolean {
  const stack: unknown[] = [data];
  let count = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++count > limit) return false;
    if (v === null || typeof v !== 'object') continue;
    for (const child of Array.isArray(v) ? (v as unknown[]) : Object.values(v)) stack.push(child);
  }
  return true;
}

function yamlMessage(code: string, message: string): string {
  // The yaml library may append " at line N, column M:" and a source excerpt; keep the first sentence only.
  const first = (message.split(/ at line \d+, column \d+/)[0] ?? message).split('\n')[0] ?? message;
  const hint = code === 'DUPLICATE_KEY' ? ' (each key may appear once per map; remove or merge the duplicate)' : '';
  return `${first.trim()}${hint}`;
}

/** Splits a JSON pointer (`/users/0/select`) into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `users[0].select.upn` for `/users/0/select/upn`; `the manifest` for the root. */
export function displayPath(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out === '' ? 'the manifest' : out;
}

/**
 * The 1-based line:col of the node a JSON pointer names. With `key`, the key of the last map
 * entry on the way (so `required` errors point at `connection:` rather than its first child).
 * Falls back to the deepest node that exists, and to 1:1 for an empty document.
 */
export function locate(source: YamlSource, segments: readonly string[], target: LocateTarget = 'value'): SourceLocation {
  const { doc } = source;
  let node: unknown = doc.contents;
  let keyNode: YamlNode | undefined;
  let best: YamlNode | undefined = isNodeWithRange(node) ? node : undefined;
  let complete = true;
  for (const seg of segments) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = keyIndex(node).get(seg);
      if (!pair) {
        complete = false;
        break;
      }
      keyNode = isNodeWithRange(pair.key) ? pair.key : undefined;
      node = pair.value;
      best = isNodeWithRange(node) && !isEmptyScalar(node) ? node : keyNode ?? best;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(seg)];
      if (item === undefined) {
        complete = false;
        break;
      }
      keyNode = undefined;
      node = item;
      best = isNodeWithRange(node) ? node : best;
    } else {
      complete = false;
      break;
    }
  }
  const chosen = complete && target === 'key' && keyNode ? keyNode : best;
  const offset = chosen?.range?.[0] ?? 0;
  const p = source.lineCounter.linePos(offset);
  return { file: source.file, line: p.line, col: p.col };
}

/** Each map's pairs by key text (first occurrence), built once per map: `locate` runs once per diagnostic. */
const keyIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

function keyIndex(map: YAMLMap): Map<string, Pair> {
  let index = keyIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      if (!isScalar(p.key)) continue;
      const k = String(p.key.value);
      if (!index.has(k)) index.set(k, p);
    }
    keyIndexes.set(map, index);
  }
  return index;
}

function isNodeWithRange(n: unknown): n is YamlNode {
  return typeof n === 'object' && n !== null && 'range' in n && Array.isArray((n as { range?: unknown }).range);
}

function isEmptyScalar(n: YamlNode): boolean {
  return isScalar(n) && n.value === null && n.range != null && n.range[0] === n.range[1];
}
