/**
 * The one escaping every message applies to text that came from input (names, DNs, UPNs, file
 * names and file content): control characters are written as visible escapes, so that a value
 * holding an ANSI sequence, a carriage return or a bidirectional override cannot repaint the
 * terminal, hide part of a message or forge a line of output. Backslashes are left alone (DNs are
 * full of them), and so is all other text.
 */

/**
 * C0 controls (except the newline when kept), DEL, C1 controls (U+0080-U+009F, which include the
 * one-byte CSI), the line and paragraph separators, and the bidirectional embedding, override and
 * isolate controls (the "Trojan source" characters).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_AND_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character escaped (`\x1b`, `\t`, `\r`, `\u202e`). With
 * `keepNewlines`, `\n` stays a line break (for multi-line output whose lines are already ours).
 */
export function escapeControlChars(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(opts.keepNewlines === true ? CONTROL : CONTROL_AND_NEWLINE, visible);
}

/**
 * A copy of plain data (JSON-like: objects, arrays, scalars) with {@link escapeControlChars}
 * applied to every string value (keys are kept): for renderers that interpolate many fields.
 */
export function escapeControlCharsDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeControlChars(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeControlCharsDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeControlCharsDeep(v)])) as T;
  }
  return value;
}
