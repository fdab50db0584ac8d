/**
 * Distinguished names (RFC 4514): one escaping-aware parser for every layer (pure, so `plan/` and
 * `render/` may use it). A DN is split at commas that are not escaped, so a CN like `Smith\, John`
 * stays one RDN. Two ways to compare DNs, for two jobs:
 * - by text (`dnComponents`, `dnKey`, `dnIsWithin`): case-insensitive, spaces around `=` and `,`
 *   ignored, escapes kept as written, never throws. This is how AD filters OUs and how the manifest,
 *   the selectors, the sync scope and the lab's directory compare DNs.
 * - by value (`normalizeDn`, `isDnWithin`): each RDN parsed and its value unescaped first, so `\2c`
 *   and `\,` are the same; a component that is not `type=value` is an error.
 */

/**
 * The DN cut at its unescaped commas, each piece as written (not trimmed, empty pieces kept).
 * A backslash keeps the character after it inside the piece.
 */
function dnPieces(dn: string): string[] {
  const pieces: string[] = [];
  let cur = '';
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i] as string;
    if (ch === '\\' && i + 1 < dn.length) {
      cur += ch + (dn[i + 1] as string);
      i += 1;
    } else if (ch === ',') {
      pieces.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  pieces.push(cur);
  return pieces;
}

/**
 * An RDN piece with the insignificant spaces around it removed. A trailing space that is escaped
 * (`CN=Trailing Space\ `: an odd number of backslashes before it) is part of the value and stays;
 * `String.trim` would drop it and leave a dangling backslash (RFC 4514 section 2.4).
 */
function trimPiece(piece: string): string {
  const start = piece.length - piece.trimStart().length;
  let end = piece.length;
  while (end > start && /\s/.test(piece[end - 1] as string)) {
    let backslashes = 0;
    for (let j = end - 2; j >= start && piece[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 1) break;
    end--;
  }
  return piece.slice(start, end);
}

/**
 * Escape an attribute value for use in an RDN. Backslash is written as `\5c` (hex form) rather
 * than `\\`: ldapts splits a modifyDN target at the first comma not preceded by a backslash,
 * which `\\,` would fool.
 */
export function escapeRdnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '\\') out += '\\5c';
    else if (ch === '\0') out += '\\00';
    else if (',+"<>;='.includes(ch)) out += `\\${ch}`;
    else if ((i === 0 && (ch === ' ' || ch === '#')) || (i === value.length - 1 && ch === ' ')) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/**
 * Escape an attribute value for an RDN with backslash pairs only (`\\`, `\,`, `\+`, ...), never
 * the hex form: the DN of a user the plan creates (`CN=<value>,<createIn OU>`), as the planner checks
 * it against the sync scope and as apply looks the user up afterwards. Not the same output as
 * `escapeRdnValue` (which writes a backslash as `\5c` and escapes NUL), and kept as it is so that
 * plans and apply do not change: a leading space or `#` and a trailing space get a backslash, which
 * makes a value of one space `\\ `.
 */
export function escapeRdnValuePairs(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/** Undo RFC 4514 escaping (`\,` and `\2c` forms; hex escapes are UTF-8 bytes). */
export function unescapeRdnValue(value: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '\\' && i + 1 < value.length) {
      const hex = value.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...enc.encode(value[i + 1]));
        i += 1;
      }
    } else {
      const cp = value.codePointAt(i) as number;
      const s = String.fromCodePoint(cp);
      bytes.push(...enc.encode(s));
      i += s.length - 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Split a DN into its RDN strings (still escaped, trimmed), at commas that are not escaped. */
export function splitDn(dn: string): string[] {
  const parts = dnPieces(dn).map(trimPiece);
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** `CN=Smith\, John` → `{ type: 'CN', value: 'Smith, John' }` (single-valued RDNs only). */
export function parseRdn(rdn: string): { type: string; value: string } {
  const eq = rdn.indexOf('=');
  if (eq <= 0) throw new Error(`not an RDN: ${JSON.stringify(rdn)}`);
  const raw = trimPiece(rdn.slice(eq + 1));
  if (endsWithLoneBackslash(raw)) throw new Error(`not an RDN: ${JSON.stringify(rdn)} ends in a backslash that escapes nothing`);
  return { type: rdn.slice(0, eq).trim(), value: unescapeRdnValue(raw) };
}

/** True when the text ends in an odd run of backslashes (the last one escapes nothing). */
function endsWithLoneBackslash(text: string): boolean {
  let n = 0;
  for (let j = text.length - 1; j >= 0 && text[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

/** The first RDN and the parent DN. */
export function splitFirstRdn(dn: string): { rdn: string; parent: string } {
  const parts = splitDn(dn);
  const first = parts[0];
  if (first === undefined) throw new Error(`empty DN`);
  return { rdn: first, parent: parts.slice(1).join(',') };
}

/** The first RDN of a DN as written (`CN=Alice Ng` of `CN=Alice Ng,OU=Sales,...`); the whole DN when it has one RDN. */
export function firstRdn(dn: string): string {
  return dnPieces(dn)[0] as string;
}

/** The parent container of a DN (everything after the first RDN), each RDN trimmed. */
export function parentDn(dn: string): string {
  return dnPieces(dn).slice(1).map(trimPiece).join(',');
}

/** Build `type=value` with the value escaped. */
export function formatRdn(type: string, value: string): string {
  return `${type}=${escapeRdnValue(value)}`;
}

/** The RDNs of a DN, each as `type=value` in lower case with the spaces around `=` trimmed (escapes kept as written). */
export function dnComponents(dn: string): string[] {
  return dnPieces(dn)
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      if (eq < 0) return trimPiece(rdn).toLowerCase();
      return `${rdn.slice(0, eq).trim()}=${trimPiece(rdn.slice(eq + 1))}`.toLowerCase();
    })
    .filter((rdn) => rdn !== '');
}

/** The canonical text of a DN (for equality and map keys): `dnComponents` joined with `,`. */
export function dnKey(dn: string): string {
  return dnComponents(dn).join(',');
}

function within(d: readonly string[], a: readonly string[]): boolean {
  if (a.length === 0 || a.length > d.length) return false;
  const offset = d.length - a.length;
  return a.every((rdn, i) => d[offset + i] === rdn);
}

/** The RDNs of a DN by value: each unescaped and written again canonically, in lower case. Throws on a malformed DN. */
function valueComponents(dn: string): string[] {
  return splitDn(dn).map((r) => {
    const { type, value } = parseRdn(r);
    return formatRdn(type.toLowerCase(), value.toLowerCase());
  });
}

/**
 * True when `dn` is `ancestor` or lies below it, comparing RDNs by value (`\2c` and `\,` are the same;
 * case and spacing do not matter). Without a backslash in either DN the text comparison is the value
 * comparison (the fast path: value parsing costs ~20x more); a DN the value parser refuses is compared
 * by text, so a malformed DN never throws here.
 */
export function dnIsWithin(dn: string, ancestor: string): boolean {
  if (!dn.includes('\\') && !ancestor.includes('\\')) return within(dnComponents(dn), dnComponents(ancestor));
  try {
    return within(valueComponents(dn), valueComponents(ancestor));
  } catch {
    return within(dnComponents(dn), dnComponents(ancestor));
  }
}

/** `dnIsWithin(dn, ancestor)` for one ancestor and many DNs (a selector over a tenant): the ancestor is parsed once. */
export function dnWithin(ancestor: string): (dn: string) => boolean {
  if (ancestor.includes('\\')) return (dn) => dnIsWithin(dn, ancestor);
  const a = dnComponents(ancestor);
  return (dn) => (dn.includes('\\') ? dnIsWithin(dn, ancestor) : within(dnComponents(dn), a));
}

/** Case-insensitive comparison of DNs after normalising each RDN (escapes, spacing). */
export function normalizeDn(dn: string): string {
  return valueComponents(dn).join(',');
}

/** True when `dn` equals `ancestor` or lies under it (compared by value, see `normalizeDn`). */
export function isDnWithin(dn: string, ancestor: string): boolean {
  // RDN by RDN: a text suffix test would take `CN=x\,OU=Staff,DC=lab` (one RDN) as below OU=Staff.
  return within(valueComponents(dn), valueComponents(ancestor));
}
