/**
 * Distinguished names as Active Directory compares them, written for the lab (it must not share the
 * product's DN code: a judge that uses the code under test cannot catch its bugs).
 *
 * RFC 4514 (https://www.rfc-editor.org/rfc/rfc4514): a DN is a sequence of RDNs separated by
 * unescaped commas; a value escapes a special character as `\,` or as two hex digits (`\2c`), and the
 * two forms are the same value. AD matches attribute types and (for the string syntaxes used in DNs)
 * values without regard to case. So two DNs are the same object when their RDNs, parsed and
 * unescaped, are equal ignoring case; spaces around `=` and `,` do not count.
 */

/** One RDN, parsed: attribute type and unescaped value, both as written. */
export interface Rdn {
  type: string;
  value: string;
}

/** The DN cut at its unescaped commas, each piece as written (a backslash keeps the next character in). */
function pieces(dn: string): string[] {
  if (!dn.includes('\\')) return dn.split(',');
  const out: string[] = [];
  const piece = /((?:\\[\s\S]|[^,\\])*)(,?)/g;
  for (let m = piece.exec(dn); m !== null; m = piece.exec(dn)) {
    out.push(m[1] ?? '');
    if (m[2] !== ',') break;
  }
  return out;
}

/**
 * A piece without the spaces around it. A trailing space escaped with a backslash (`CN=Trailing\ `:
 * an odd run of backslashes before it) belongs to the value (RFC 4514 §2.4) and stays.
 */
function trimPiece(text: string): string {
  const start = text.length - text.trimStart().length;
  let end = text.length;
  while (end > start && /\s/.test(text[end - 1] as string)) {
    let backslashes = 0;
    for (let j = end - 2; j >= start && text[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 1) break;
    end--;
  }
  return text.slice(start, end);
}

/** RFC 4514 §3 unescaping: `\hh` is the byte hh, `\X` is X; the bytes are UTF-8. */
function unescape(value: string): string {
  if (!value.includes('\\')) return value;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (const m of value.matchAll(/\\([0-9a-fA-F]{2})|\\([\s\S])|([\s\S])/gu)) {
    if (m[1] !== undefined) bytes.push(parseInt(m[1], 16));
    else bytes.push(...enc.encode(m[2] ?? m[3] ?? ''));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The RDNs of a DN, most specific first. Empty pieces are dropped; a piece without `=` has type ''. */
export function parseDn(dn: string): Rdn[] {
  const out: Rdn[] = [];
  for (const piece of pieces(dn)) {
    const p = trimPiece(piece);
    if (p === '') continue;
    const eq = p.indexOf('=');
    out.push(eq < 0 ? { type: '', value: unescape(p) } : { type: p.slice(0, eq).trim(), value: unescape(trimPiece(p.slice(eq + 1))) });
  }
  return out;
}

function rdnKey(r: Rdn): string {
  return `${r.type.toLowerCase()}=${r.value.toLowerCase()}`;
}

/** The RDN keys of a DN (parsed, unescaped, lower case), most specific first. */
export function dnKeys(dn: string): string[] {
  return parseDn(dn).map(rdnKey);
}

/** True when the RDN keys `d` are those of `container` (`c`) or lie below them. */
export function keysUnder(d: readonly string[], c: readonly string[]): boolean {
  if (c.length === 0 || c.length > d.length) return false;
  const offset = d.length - c.length;
  return c.every((k, i) => d[offset + i] === k);
}

/** The identity of a DN for equality and map keys (RDNs parsed, unescaped, lower case). */
export function dnIdentity(dn: string): string {
  return JSON.stringify(parseDn(dn).map(rdnKey));
}

/** True when the two DNs name the same object. */
export function sameDn(a: string, b: string): boolean {
  return dnIdentity(a) === dnIdentity(b);
}


/** True when `dn` is `container` or lies below it. An empty container contains nothing. */
export function dnUnder(dn: string, container: string): boolean {
  return keysUnder(dnKeys(dn), dnKeys(container));
}

/** The first RDN as written (`CN=Alice Ng` of `CN=Alice Ng,OU=Sales,...`), trimmed. */
export function leafRdn(dn: string): string {
  return trimPiece(pieces(dn)[0] ?? '');
}

/** The container of a DN: everything after the first RDN, as written (each RDN trimmed). */
export function containerOf(dn: string): string {
  return pieces(dn)
    .slice(1)
    .map(trimPiece)
    .join(',');
}

/**
 * An RDN value escaped as RFC 4514 §2.4 requires: `\` before `"` `+` `,` `;` `<` `>` `\`, before a
 * leading space or `#` and a trailing space; NUL as `\00`. For the DNs of users the lab adds itself
 * (seeding, scenarios).
 */
export function escapeRdnValue(value: string): string {
  const escaped = value.replace(/["+,;<>\\=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  return escaped.replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/** The DNS name of a domain naming context: its DC= values joined with dots (`DC=lab,DC=test` → `lab.test`). */
export function dnsNameOf(dn: string): string | null {
  const dcs = parseDn(dn)
    .filter((r) => r.type.toLowerCase() === 'dc')
    .map((r) => r.value.toLowerCase());
  return dcs.length ? dcs.join('.') : null;
}
