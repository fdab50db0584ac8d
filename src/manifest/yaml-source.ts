import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
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

/**
 * Parses YAML text keeping positions. Every YAML error (duplicate keys included) becomes a
 * `yaml-syntax` error with its line:col; YAML warnings become `yaml-syntax` warnings. The
 * messages carry no source excerpt, so a malformed line holding a secret is never echoed.
 */
export function parseYamlSource(text: string, file: string): { source: YamlSource; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: true });
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
  for (const w of doc.warnings) diagnostics.push(fromYaml('warning', w));
  let data: unknown;
  if (doc.errors.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
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
  }
  return { source: { file, data, doc, lineCounter }, diagnostics };
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
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
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

function isNodeWithRange(n: unknown): n is YamlNode {
  return typeof n === 'object' && n !== null && 'range' in n && Array.isArray((n as { range?: unknown }).range);
}

function isEmptyScalar(n: YamlNode): boolean {
  return isScalar(n) && n.value === null && n.range != null && n.range[0] === n.range[1];
}
