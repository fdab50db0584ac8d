import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDirectory, type LdapDirectory } from '../../../src/ad/index.js';
import { DirectoryError } from '../../../src/model/directory.js';
import { sambaEnv } from '../../helpers/samba.js';

const env = sambaEnv();

/** A TCP forwarder to the DC's port 389 that can cut every connection, like an idle timeout or a DC restart. */
class Forwarder {
  private readonly server: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  accepted = 0;

  constructor(target: number) {
    this.server = net.createServer((client) => {
      this.accepted++;
      const upstream = net.connect({ host: '127.0.0.1', port: target });
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port)));
  }

  /** Cut every open connection and wait until both ends have seen it. */
  async cutAll(): Promise<void> {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    await new Promise((r) => setTimeout(r, 50));
  }

  /** Connections open now. */
  get open(): number {
    return this.pairs.size;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const [a, b] of this.pairs) {
        a.destroy();
        b.destroy();
      }
      this.server.close(() => resolve());
    });
  }
}

describe.runIf(env)('LdapDirectory after the DC drops the connection', () => {
  const e = env!;
  let fwd: Forwarder;
  let port: number;

  beforeAll(async () => {
    fwd = new Forwarder(Number(new URL(e.ldapUrl).port || 389));
    port = await fwd.listen();
  });
  afterAll(async () => fwd?.close());

  async function open(startTls: boolean): Promise<LdapDirectory> {
    return connectDirectory({
      url: `ldap://${startTls ? 'localhost' : '127.0.0.1'}:${port}`,
      startTls,
      caFile: e.caFile,
      baseDn: e.baseDn,
      bindDn: e.bindDn,
      password: e.bindPassword,
      onWarning: () => undefined,
    });
  }

  for (const startTls of [false, true]) {
    it(`re-opens and re-binds for the next operation (${startTls ? 'StartTLS' : 'plain LDAP'})`, async () => {
      const before = fwd.accepted;
      const dir = await open(startTls);
      try {
        expect((await dir.getUserByDn(e.bindDn))?.samAccountName).toBe('Administrator');
        await fwd.cutAll();
        // A read after the drop works on a new, bound connection (a search needs the bind: anonymous sees nothing).
        expect((await dir.getUserByDn(e.bindDn))?.samAccountName).toBe('Administrator');
        expect(dir.connection.opened).toBe(2);
        expect(fwd.accepted - before).toBe(2);
        // and so does a write
        await dir.modifyUser(e.bindDn, [{ attribute: 'displayName', to: [] }]);
        expect((await dir.getUserByDn(e.bindDn))?.displayName).toBeNull();
      } finally {
        await dir.close();
      }
    });
  }

  it('ten reads at once after the drop share one reconnect: one new connection, none left open', async () => {
    const dir = await open(false);
    try {
      await dir.listOrganizationalUnits();
      await fwd.cutAll();
      const before = fwd.accepted;
      const reads = await Promise.all(Array.from({ length: 10 }, () => dir.getUserByDn(e.bindDn)));
      expect(reads.map((u) => u?.samAccountName)).toEqual(Array(10).fill('Administrator'));
      expect(fwd.accepted - before).toBe(1);
      expect(dir.connection.opened).toBe(2);
    } finally {
      await dir.close();
    }
    // closed: the forwarder holds no connection of it any more
    await new Promise((r) => setTimeout(r, 50));
    expect(fwd.open).toBe(0);
  });

  it('after close() no call opens a connection again: a read in flight and a later one fail with closed', async () => {
    const dir = await open(false);
    await fwd.cutAll();
    const before = fwd.accepted;
    const inFlight = dir.listUsers().catch((x: unknown) => x); // starts a reconnect
    await dir.close();
    const later = await dir.getUserByDn(e.bindDn).catch((x: unknown) => x);
    for (const err of [await inFlight, later]) {
      expect(err).toBeInstanceOf(DirectoryError);
      expect((err as DirectoryError).code).toBe('closed');
    }
    await new Promise((r) => setTimeout(r, 50));
    // the reconnect that was under way was released, and nothing else was opened
    expect(fwd.accepted - before).toBeLessThanOrEqual(1);
    expect(fwd.open).toBe(0);
  });

  it('reports a DC that stays unreachable as unavailable', async () => {
    const dir = await open(false);
    try {
      await fwd.close();
      await new Promise((r) => setTimeout(r, 50));
      const err = await dir.listUsers().catch((x: unknown) => x);
      expect(err).toBeInstanceOf(DirectoryError);
      expect((err as DirectoryError).code).toBe('unavailable');
    } finally {
      await dir.close();
    }
  });
});
