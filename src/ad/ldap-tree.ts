/**
 * Creating and deleting whole OU subtrees: fixtures for tests and benchmarks (entra-soa itself never
 * creates or deletes OUs), on the directory's own connection.
 */
import { Attribute, Control, type Entry } from 'ldapts';
import { DirectoryError } from '../model/directory.js';
import { parseRdn, splitDn } from '../model/dn.js';
import type { LdapDirectory } from './ldap-directory.js';

/** LDAP_SERVER_TREE_DELETE_OID: delete an object with its whole subtree in one operation. */
const TREE_DELETE_OID = '1.2.840.113556.1.4.805';
/** Above this many objects a tree delete can outlast the operation timeout: delete leaf-first instead. */
const TREE_DELETE_MAX = 2000;

/** Create an OU and any missing parents below the naming context (no-op when it exists). */
export async function ensureOu(dir: LdapDirectory, dn: string): Promise<void> {
  const parts = splitDn(dn);
  const baseLen = splitDn(dir.baseDn).length;
  for (let i = parts.length - baseLen - 1; i >= 0; i--) {
    const ouDn = parts.slice(i).join(',');
    const { type, value } = parseRdn(parts[i] as string);
    if (type.toLowerCase() !== 'ou') throw new DirectoryError('other', `ensureOu: ${ouDn} is not an OU`, ouDn);
    const attributes = [new Attribute({ type: 'objectClass', values: ['top', 'organizationalUnit'] }), new Attribute({ type: 'ou', values: [value] })];
    try {
      await dir.connection.run({ action: `create OU ${ouDn}`, dn: ouDn, right: 'Create Child for organizationalUnit objects' }, (client) => client.add(ouDn, attributes), 'write');
    } catch (err) {
      if (!(err instanceof DirectoryError && err.code === 'already-exists')) throw err;
    }
  }
}

/**
 * Delete an object and everything under it; no-op when absent. Small subtrees go in one
 * operation (the tree-delete control); large ones leaf-first with a few deletes in flight, so
 * that no single operation runs into the timeout.
 */
export async function deleteTree(dir: LdapDirectory, dn: string, concurrency = 8): Promise<void> {
  const conn = dir.connection;
  const ctx = { action: `delete ${dn} and its subtree`, dn, right: 'Delete Subtree' };
  let entries: Entry[];
  try {
    entries = await conn.run(ctx, async (client) => {
      const res = await client.search(dn, { scope: 'sub', attributes: ['1.1'], paged: { pageSize: dir.pageSize } });
      return res.searchEntries;
    });
  } catch (err) {
    if (err instanceof DirectoryError && err.code === 'no-such-object') return;
    throw err;
  }
  if (entries.length <= TREE_DELETE_MAX) {
    try {
      await conn.run(ctx, (client) => client.del(dn, new Control(TREE_DELETE_OID, { critical: true })), 'write');
      return;
    } catch (err) {
      if (!(err instanceof DirectoryError)) throw err;
      if (err.code === 'no-such-object') return;
      if (err.code !== 'other') throw err;
      // the DC does not support the tree-delete control: delete leaf-first below
    }
  }
  // Group by depth, deepest first; within one depth the deletes are independent.
  const byDepth = new Map<number, string[]>();
  for (const e of entries) {
    const depth = splitDn(e.dn).length;
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), e.dn]);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => b - a)) {
    const level = byDepth.get(depth) as string[];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < level.length; i = next++) {
        const d = level[i] as string;
        try {
          await conn.run({ ...ctx, dn: d }, (client) => client.del(d), 'write');
        } catch (err) {
          if (!(err instanceof DirectoryError && err.code === 'no-such-object')) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, level.length) }, worker));
  }
}
