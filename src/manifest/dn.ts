/**
 * Distinguished-name comparison as AD does it for OU filtering: case-insensitive, spaces around
 * `=` and `,` ignored, escaped commas (`\,`) kept inside their RDN.
 */

/** The RDNs of a DN, each normalised to `type=value` in lower case. */
export function dnComponents(dn: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i];
    if (ch === '\\' && i + 1 < dn.length) {
      current += ch + dn[i + 1];
      i++;
    } else if (ch === ',') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      if (eq < 0) return rdn.trim().toLowerCase();
      return `${rdn.slice(0, eq).trim()}=${rdn.slice(eq + 1).trim()}`.toLowerCase();
    })
    .filter((rdn) => rdn !== '');
}

/** The canonical text of a DN (for equality and map keys). */
export function normalizeDn(dn: string): string {
  return dnComponents(dn).join(',');
}

/** True when `dn` is `ancestor` or lies in its subtree (suffix match on RDN boundaries). */
export function dnIsWithin(dn: string, ancestor: string): boolean {
  const d = dnComponents(dn);
  const a = dnComponents(ancestor);
  if (a.length === 0 || a.length > d.length) return false;
  const offset = d.length - a.length;
  return a.every((rdn, i) => d[offset + i] === rdn);
}
