/**
 * Connecting to a DC: the URL and TLS checks done before anything touches the network, the bind, and
 * the `LdapDirectory` over that connection.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import { DirectoryError } from '../model/directory.js';
import { describeLdapUrlProblem, ldapUrlProblem } from '../model/ldap-url.js';
import { toDirectoryError } from './errors.js';
import { LdapConnection, type OpenConnection } from './ldap-connection.js';
import { LdapDirectory } from './ldap-directory.js';

/** How to reach and authenticate to a DC. */
export interface LdapDirectoryOptions {
  /**
   * `ldaps://host[:636]` (TLS, recommended) or `ldap://host[:389]` with `startTls`. Plain `ldap://`
   * is refused unless the host is loopback as written; a URL with a user name or password is refused.
   */
  url: string;
  /** The naming context searched for users and OUs, e.g. `DC=contoso,DC=com`. */
  baseDn: string;
  /** DN of the bind account (simple bind). */
  bindDn: string;
  /** Its password. Never logged or put in an error message. */
  password: string;
  /** Where the password came from, for error messages only (e.g. `$ENTRA_SOA_AD_PASSWORD`). */
  passwordSource?: string;
  /** CA certificate(s), PEM, that signed the DC's certificate (otherwise Node's trust store). */
  ca?: string | Buffer;
  /** Path of a PEM file with the CA certificate(s); read at connect time. */
  caFile?: string;
  /** Upgrade an `ldap://` connection with StartTLS before binding. */
  startTls?: boolean;
  /**
   * Do not verify the DC's certificate. Dangerous (anyone on the path can read the bind
   * password): for a lab only. A warning goes to `onWarning` every time it is used.
   */
  insecureSkipTlsVerify?: boolean;
  /** Receives warnings (default: written to stderr). */
  onWarning?: (message: string) => void;
  /** Paged-search page size; default 1000, AD's default MaxPageSize. */
  pageSize?: number;
  /** Per-operation and connect timeout in ms; default 30000. */
  timeoutMs?: number;
}


function defaultWarning(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/**
 * Connect and bind. Fails with DirectoryError: `invalid-credentials` (bad DN or password),
 * `tls` (certificate not trusted, name mismatch, DC demands TLS), `unavailable` (cannot reach it).
 */
export async function connectDirectory(opts: LdapDirectoryOptions): Promise<LdapDirectory> {
  const warn = opts.onWarning ?? defaultWarning;
  // Before anything touches the network: a password in the URL, or ldap:// that would send the
  // bind password in clear text to a host that is not loopback, is refused (fail closed).
  const problem = ldapUrlProblem(opts.url, opts.startTls === true);
  if (problem !== null) throw new DirectoryError(problem.kind === 'cleartext' ? 'tls' : 'other', describeLdapUrlProblem(problem, 'the AD URL'));
  const url = new URL(opts.url);
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme === 'ldaps' && opts.startTls) {
    throw new DirectoryError('other', `startTls is for ldap:// URLs; ${opts.url} is already TLS`);
  }
  const useTls = scheme === 'ldaps' || opts.startTls === true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const tlsOptions: ConnectionOptions = { host, minVersion: 'TLSv1.2' };
  if (!net.isIP(host)) tlsOptions.servername = host;
  if (opts.ca !== undefined) tlsOptions.ca = opts.ca;
  else if (opts.caFile !== undefined) {
    try {
      tlsOptions.ca = readFileSync(opts.caFile);
    } catch (err) {
      throw new DirectoryError('tls', `cannot read the CA file ${opts.caFile}: ${(err as Error).message}`, undefined, { cause: err });
    }
  }
  if (opts.insecureSkipTlsVerify) {
    if (useTls) {
      warn(
        `insecureSkipTlsVerify is on: the certificate of ${opts.url} is NOT verified, so anyone on the network path can impersonate the DC and read the bind password. Use caFile instead.`,
      );
      tlsOptions.rejectUnauthorized = false;
    }
  }
  if (!useTls) {
    warn(`${opts.url} is unencrypted (allowed only because ${host} is a loopback address): the bind password and directory data are sent in clear text. Use ldaps:// or startTls.`);
  }

  const timeout = opts.timeoutMs ?? 30_000;
  let connection: LdapConnection | null = null;
  const open: OpenConnection = async () => {
    // ldapts goes TLS whenever tlsOptions is given, even for ldap://, so only ldaps gets it here.
    const client = new Client({
      url: opts.url,
      timeout,
      connectTimeout: timeout,
      ...(scheme === 'ldaps' ? { tlsOptions: { ...tlsOptions } } : {}),
    });
    try {
      if (scheme === 'ldap' && opts.startTls) {
        // startTLS mutates the object it is given (it adds the plain socket): pass a copy. ldapts
        // does not notice when that plain socket closes under the TLS one, so watch it here.
        const startTlsOptions: ConnectionOptions = { ...tlsOptions };
        await client.startTLS(startTlsOptions);
        startTlsOptions.socket?.once('close', () => connection?.markLost(client));
      }
      await client.bind(opts.bindDn, opts.password);
    } catch (err) {
      await client.unbind().catch(() => undefined);
      const e = toDirectoryError(err, { action: `connect to ${opts.url}` });
      if (e.code === 'invalid-credentials') {
        throw new DirectoryError(
          'invalid-credentials',
          `bind as ${opts.bindDn} failed: invalid credentials. Check the password${opts.passwordSource ? ` in ${opts.passwordSource}` : ''}, the bind DN, and that the account is enabled and not locked out.`,
          opts.bindDn,
          { cause: err },
        );
      }
      throw e;
    }
    return client;
  };
  connection = new LdapConnection(open, await open(), opts.baseDn);
  return new LdapDirectory(connection, opts.baseDn, useTls, opts.pageSize ?? 1000);
}
