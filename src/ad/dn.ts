/**
 * Distinguished-name helpers (RFC 4514), just what moving and creating users needs. Values are
 * escaped here, never pasted into a DN as given, so a CN like `Smith, John` or `a+b` stays one RDN.
 */

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
        bytes.push(...enc.encode(value[i + 1] as string));
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

/** Split a DN into its RDN strings (still escaped), at commas that are not escaped. */
export function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i] as string;
    if (ch === '\\' && i + 1 < dn.length) {
      cur += ch + (dn[i + 1] as string);
      i += 1;
    } else if (ch === ',') {
      parts.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur.trim() !== '') parts.push(cur.trim());
  return parts;
}

/** `CN=Smith\, John` → `{ type: 'CN', value: 'Smith, John' }` (single-valued RDNs only). */
export function parseRdn(rdn: string): { type: string; value: string } {
  const eq = rdn.indexOf('=');
  if (eq <= 0) throw new Error(`not an RDN: ${JSON.stringify(rdn)}`);
  return { type: rdn.slice(0, eq).trim(), value: unescapeRdnValue(rdn.slice(eq + 1).trim()) };
}

/** The first RDN and the parent DN. */
export function splitFirstRdn(dn: string): { rdn: string; parent: string } {
  const parts = splitDn(dn);
  const first = parts[0];
  if (first === undefined) throw new Error(`empty DN`);
  return { rdn: first, parent: parts.slice(1).join(',') };
}

/** Build `type=value` with the value escaped. */
export function formatRdn(type: string, value: string): string {
  return `${type}=${escapeRdnValue(value)}`;
}

/** Case-insensitive comparison of DNs after normalising each RDN (escapes, spacing). */
export function normalizeDn(dn: string): string {
  return splitDn(dn)
    .map((r) => {
      const { type, value } = parseRdn(r);
      return formatRdn(type.toLowerCase(), value.toLowerCase());
    })
    .join(',');
}

/** True when `dn` equals `ancestor` or lies under it. */
export function isDnWithin(dn: string, ancestor: string): boolean {
  const d = normalizeDn(dn);
  const a = normalizeDn(ancestor);
  return d === a || d.endsWith(`,${a}`);
}
