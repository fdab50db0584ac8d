/**
 * Source positions in JSON text, for the snapshot and plan readers: where a syntax error is, and
 * where the value at a path is, as 1-based line and column (the JSON counterpart of the manifest's
 * src/manifest/yaml-source.ts). Pure, iterative (no recursion, so nesting depth cannot overflow
 * the stack), one pass over the text, and its messages never quote the text.
 */

/** A path into a JSON document: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** A 1-based line and column. */
export interface TextPosition {
  line: number;
  col: number;
}

/** The first syntax error of JSON text: where, and what was expected (no excerpt of the text). */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

/** Line and column (1-based, columns in UTF-16 code units like the YAML positions) of an offset. */
export function lineColAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let j = text.indexOf('\n'); j !== -1 && j < end; j = text.indexOf('\n', j + 1)) {
    line++;
    lineStart = j + 1;
  }
  return { line, col: end - lineStart + 1 };
}

/** The first syntax error in `text` (strict JSON, RFC 8259), or null when it is valid. */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  return scan(text, null);
}

/**
 * For each path, the position of its value in `text` (valid JSON), or of the closest ancestor that
 * exists when the path does not; the document's first value for the empty path. One pass for all paths.
 */
export function locateJsonPaths(text: string, paths: readonly JsonPath[]): TextPosition[] {
  const keys = paths.map((p) => p.map(segmentKey));
  const prefixes = new Set<string>();
  for (const k of keys) for (let n = 0; n <= k.length; n++) prefixes.add(k.slice(0, n).join(''));
  const found = new Map<string, number>();
  scan(text, { prefixes, found });
  return keys.map((k) => {
    for (let n = k.length; n >= 0; n--) {
      const offset = found.get(k.slice(0, n).join(''));
      if (offset !== undefined) return lineColAt(text, offset);
    }
    return { line: 1, col: 1 };
  });
}

function segmentKey(s: string | number): string {
  return typeof s === 'number' ? `[${s}]` : `.${JSON.stringify(s)}`;
}

interface Tracking {
  /** Every path (as joined segment keys) whose value or descendants are wanted. */
  prefixes: ReadonlySet<string>;
  /** Offsets of the values found at those paths. */
  found: Map<string, number>;
}

interface Frame {
  object: boolean;
  index: number;
  /** This container's path when it is tracked, else null (its values are not looked at). */
  path: string | null;
  /** The key of the member being read (objects). */
  key: string;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'the end of the file';
  const c = text.codePointAt(i) as number;
  return c > 0x20 && c < 0x7f ? `'${String.fromCodePoint(c)}'` : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Validates `text`; with `track`, records the offsets of tracked paths' values. Returns the first error. */
function scan(text: string, track: Tracking | null): JsonSyntaxError | null {
  const n = text.length;
  let i = 0;
  const stack: Frame[] = [];
  const fail = (message: string): JsonSyntaxError => ({ offset: Math.min(i, n), message });
  const ws = (): void => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
    }
  };
  /** Skips a string starting at i (a quote); returns an error or null. */
  const string = (): JsonSyntaxError | null => {
    i++;
    for (;;) {
      if (i >= n) return fail('a string is not closed with "');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return fail(`the control character ${describeChar(text, i)} must be escaped inside a string`);
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('\\u must be followed by four hexadecimal digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return fail(`${e === undefined ? 'a backslash at the end' : `the escape \\${describeChar(text, i + 1)}`} is not valid in a string`);
      } else i++;
    }
  };
  /** The path of the value about to be read, when its container is tracked. */
  const valuePath = (): string | null => {
    if (track === null) return null;
    const top = stack[stack.length - 1];
    if (top === undefined) return '';
    if (top.path === null) return null;
    const p = top.path + (top.object ? segmentKey(top.key) : segmentKey(top.index));
    return track.prefixes.has(p) ? p : null;
  };

  let state: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    ws();
    if (state === 'value') {
      if (i >= n) return fail(stack.length === 0 ? 'the file is empty: expected a JSON value' : 'unexpected end of the file: a value is missing');
      const path = valuePath();
      if (path !== null) track?.found.set(path, i);
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        stack.push({ object: c === '{', index: 0, path, key: '' });
        ws();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          stack.pop();
          state = 'after';
        } else state = c === '{' ? 'key' : 'value';
        continue;
      }
      if (c === '"') {
        const e = string();
        if (e) return e;
      } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return fail('not a valid number');
        i = NUMBER.lastIndex;
      } else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else return fail(`expected a value (a string, number, object, array, true, false or null), found ${describeChar(text, i)}`);
      state = 'after';
      continue;
    }
    const top = stack[stack.length - 1];
    if (state === 'key') {
      if (text[i] !== '"') return fail(`expected a property name in double quotes, found ${describeChar(text, i)}`);
      const start = i;
      const e = string();
      if (e) return e;
      if (top && top.path !== null) top.key = JSON.parse(text.slice(start, i)) as string;
      ws();
      if (text[i] !== ':') return fail(`expected ':' after the property name, found ${describeChar(text, i)}`);
      i++;
      state = 'value';
      continue;
    }
    // after a value
    if (top === undefined) return i < n ? fail(`unexpected ${describeChar(text, i)} after the end of the JSON value`) : null;
    const close = top.object ? '}' : ']';
    if (text[i] === ',') {
      i++;
      top.index++;
      state = top.object ? 'key' : 'value';
    } else if (text[i] === close) {
      i++;
      stack.pop();
    } else {
      return fail(`expected ',' or '${close}' ${top.object ? 'after a property value' : 'after an array element'}, found ${describeChar(text, i)}`);
    }
  }
}

/**
 * A short description of a parsed JSON value for a message: a scalar as JSON (a string cut to
 * `max` characters), a container by its size. Never walks into the value (a 100,000-deep array
 * is described, not stringified).
 */
export function previewJson(value: unknown, max = 60): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length > max ? `${JSON.stringify(value.slice(0, max))}…` : JSON.stringify(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}
