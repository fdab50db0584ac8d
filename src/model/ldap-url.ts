/**
 * The transport rules for an LDAP URL, shared by the manifest check (`src/manifest/`) and the
 * connection (`src/ad/`), so that what `validate` accepts is exactly what `connectDirectory`
 * allows. Pure; never echoes user information.
 */
import { assertNever } from './step.js';

/** Why an LDAP URL cannot be used; `url-credentials` and `cleartext` messages never contain the URL. */
export type LdapUrlProblem =
  | { kind: 'not-a-url' }
  | { kind: 'scheme'; scheme: string }
  | { kind: 'url-credentials' }
  | { kind: 'cleartext'; host: string };

/**
 * The text with everything up to its last `@` (after the scheme) replaced by `<credentials removed>`:
 * the only form in which a URL given by a user may appear in a message. An LDAP URL entra-soa accepts
 * has no `@` at all, so any `@` is taken as the end of a user name or password (which may itself
 * contain `@`, `/` or `:`).
 */
export function redactUrl(text: string): string {
  return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^]*@/, '$1<credentials removed>@');
}

/** Parse an LDAP URL (any scheme is reported as written); null when it is not a URL. */
export function parseLdapUrl(text: string): { scheme: string; host: string; hasCredentials: boolean } | null {
  if (text.includes('@')) return { scheme: /^[A-Za-z][A-Za-z0-9+.-]*(?=:)/.exec(text)?.[0].toLowerCase() ?? '', host: '', hasCredentials: true };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  return {
    scheme: url.protocol.replace(/:$/, '').toLowerCase(),
    host: url.hostname.replace(/^\[|\]$/g, ''),
    hasCredentials: url.username !== '' || url.password !== '',
  };
}

/**
 * True for a host that is loopback as written: `localhost`, an IPv4 literal in 127.0.0.0/8,
 * `::1` or an IPv4-mapped `::ffff:127.x.x.x`. Judged on the text, never by resolving it: a name
 * that only resolves to loopback today (or a numeric form such as `2130706434`) is not trusted,
 * so the rule fails closed.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!v4) return false;
  const octets = v4.slice(1).map(Number);
  return octets.every((o) => o <= 255) && octets[0] === 127;
}

/**
 * What is wrong with connecting to `text` (with StartTLS or not), or null when it may be used:
 * - `url-credentials`: a user name or password in the URL (a secret in a URL ends up in shell
 *   history, logs, plans and snapshots); the bind DN and password have their own settings.
 * - `cleartext`: `ldap://` to a host that is not loopback without StartTLS, which would send the
 *   bind password in clear text.
 */
export function ldapUrlProblem(text: string, startTls: boolean): LdapUrlProblem | null {
  const parsed = parseLdapUrl(text);
  if (parsed === null) return { kind: 'not-a-url' };
  if (parsed.hasCredentials) return { kind: 'url-credentials' };
  if (parsed.scheme !== 'ldap' && parsed.scheme !== 'ldaps') return { kind: 'scheme', scheme: parsed.scheme };
  if (parsed.scheme === 'ldap' && !startTls && !isLoopbackHost(parsed.host)) return { kind: 'cleartext', host: parsed.host };
  return null;
}

/** The sentence a person reads for a problem (what is wrong and what to do); never the URL's credentials. */
export function describeLdapUrlProblem(p: LdapUrlProblem, setting: string): string {
  switch (p.kind) {
    case 'not-a-url':
      return `${setting} is not a URL: expected ldaps://host[:port] or ldap://host[:port]`;
    case 'scheme':
      return `${setting} uses the scheme "${p.scheme}": use ldaps:// (or ldap:// with startTls)`;
    case 'url-credentials':
      return (
        `${setting} carries a user name or password (user:password@host), which is refused and not repeated here: ` +
        'remove it from the URL, give the bind DN in bindDn (--ad-bind-dn) and the password in the environment variable ' +
        'that bindPasswordEnv (--ad-password-env) names, and change the password if the URL was shared'
      );
    case 'cleartext':
      return (
        `${setting} is ldap:// to ${p.host}, which would send the bind password in clear text over the network, so it is refused: ` +
        'use ldaps://, or set startTls: true to upgrade the connection before binding (plain ldap:// is allowed to a loopback address only)'
      );
    default:
      return assertNever(p);
  }
}
