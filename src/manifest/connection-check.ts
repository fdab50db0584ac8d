import type { Diagnostic } from '../model/diagnostic.js';
import { describeLdapUrlProblem, ldapUrlProblem, parseLdapUrl } from '../model/ldap-url.js';
import type { YamlSource } from './yaml-source.js';
import { locate } from './yaml-source.js';

const URL_PATH = ['activeDirectory', 'connection', 'url'];

/**
 * The transport rules `connectDirectory` enforces (src/model/ldap-url.ts), as manifest errors so that
 * `validate` and `plan` refuse before anything connects:
 * - `ldap-url-credentials`: `connection.url` carries a user name or password; the URL is not repeated.
 * - `ldap-cleartext`: `ldap://` to a host that is not loopback without `startTls: true`.
 * Reads the document as written (not the normalised parts), so it also answers when the schema
 * rejected the URL.
 */
export function connectionDiagnostics(source: YamlSource): Diagnostic[] {
  const connection = at(source.data, ['activeDirectory', 'connection']);
  const url = at(connection, ['url']);
  if (typeof url !== 'string') return [];
  const problem = ldapUrlProblem(url, at(connection, ['startTls']) === true);
  if (problem === null || (problem.kind !== 'url-credentials' && problem.kind !== 'cleartext')) return [];
  return [
    {
      severity: 'error',
      code: problem.kind === 'cleartext' ? 'ldap-cleartext' : 'ldap-url-credentials',
      message: `${describeLdapUrlProblem(problem, 'activeDirectory.connection.url')}.`,
      location: locate(source, URL_PATH),
    },
  ];
}

/** True when the manifest's `connection.url` carries credentials: no other message may quote it. */
export function urlCarriesCredentials(source: YamlSource): boolean {
  const url = at(source.data, URL_PATH);
  return typeof url === 'string' && parseLdapUrl(url)?.hasCredentials === true;
}

function at(data: unknown, path: readonly string[]): unknown {
  let v = data;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
