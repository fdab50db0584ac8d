/**
 * The one LDAP connection of an `LdapDirectory`, re-opened (and re-bound) when the DC dropped it. A
 * read that fails because the connection dropped under it is retried once on a new one; a write is not
 * (it may have been applied): the error says to re-read.
 *
 * Concurrent callers that find the connection gone share one reconnect (each opening its own would
 * leave all but the last open, and an open socket keeps the process alive). After `close()` nothing
 * opens a connection again: a call still in flight, or made later, fails with `closed`.
 */
import { ResultCodeError, type Client } from 'ldapts';
import { DirectoryError } from '../model/directory.js';
import { toDirectoryError, type OperationContext } from './errors.js';

/** Opens a new bound connection (same URL, TLS and credentials every time). */
export type OpenConnection = () => Promise<Client>;

/**
 * Errors meaning the connection itself is gone (idle timeout, DC restart, network), as opposed
 * to an LDAP result. AD closes connections idle for MaxConnIdleTime (15 min by default), which an
 * apply that waits for a sync cycle will always hit.
 */
function isConnectionLoss(err: unknown): boolean {
  if (err instanceof ResultCodeError || err instanceof DirectoryError) return false;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && ['ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ETIMEDOUT'].includes(code)) return true;
  const message = err instanceof Error ? err.message : String(err);
  return /Connection closed|Socket error|socket has been ended|socket hang up|not connected|timeout|timed out/i.test(message);
}

export class LdapConnection {
  #current: Client | null;
  readonly #lost = new WeakSet<Client>();
  #opened = 1;
  /** The reconnect in progress, shared by every caller that needs a connection meanwhile. */
  #opening: Promise<Client> | null = null;
  #closed = false;

  constructor(
    private readonly open: OpenConnection,
    client: Client,
    /** The naming context, for messages. */
    private readonly baseDn: string,
  ) {
    this.#current = client;
  }

  /** How many connections have been opened (1 unless the DC dropped one). */
  get opened(): number {
    return this.#opened;
  }

  /** Mark a client as unusable (used for StartTLS, whose underlying socket close ldapts does not track). */
  markLost(client: Client): void {
    this.#lost.add(client);
  }

  #closedError(): DirectoryError {
    return new DirectoryError('closed', `the connection to ${this.baseDn} was closed (the command is ending): nothing was read or written`);
  }

  async #connection(): Promise<Client> {
    if (this.#closed) throw this.#closedError();
    const c = this.#current;
    if (c && c.isConnected && !this.#lost.has(c)) return c;
    if (this.#opening) return this.#opening;
    // Release it without waiting: on a dead StartTLS socket the unbind only ends at its timeout.
    if (c) void c.unbind().catch(() => undefined);
    this.#current = null;
    const opening = this.open().then((fresh) => {
      if (this.#closed) {
        void fresh.unbind().catch(() => undefined);
        throw this.#closedError();
      }
      this.#opened++;
      this.#current = fresh;
      return fresh;
    });
    this.#opening = opening;
    try {
      return await opening;
    } finally {
      if (this.#opening === opening) this.#opening = null;
    }
  }

  /** One operation on the connection; failures become DirectoryError (`ctx` says what and where). */
  async run<T>(ctx: OperationContext, fn: (client: Client) => Promise<T>, kind: 'read' | 'write' = 'read'): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.#connection();
      try {
        return await fn(client);
      } catch (err) {
        if (isConnectionLoss(err)) {
          this.#lost.add(client);
          if (kind === 'read' && attempt === 0) continue;
          if (kind === 'write') {
            throw new DirectoryError(
              'unavailable',
              `${ctx.action} failed: the connection to the DC dropped during the write, so it may or may not have been applied; re-read ${ctx.dn ?? 'the object'} before retrying.`,
              ctx.dn,
              { cause: err },
            );
          }
        }
        throw toDirectoryError(err, ctx);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    // A reconnect in progress ends in an unbind (see #connection()).
    await this.#opening?.catch(() => undefined);
    const c = this.#current;
    this.#current = null;
    if (!c || !c.isConnected) return;
    if (this.#lost.has(c)) {
      void c.unbind().catch(() => undefined);
      return;
    }
    try {
      await c.unbind();
    } catch {
      // already closed, or the DC went away: nothing left to release
    }
  }
}
