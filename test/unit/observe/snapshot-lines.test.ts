/** Issue 11 B: snapshot formatVersion 2 (JSON Lines), written and read as streams. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/model/diagnostic.js';
import type { AdUser, EntraUser, Snapshot } from '../../../src/model/observed.js';
import { readSnapshotFile, readSnapshotStream, writeSnapshotFile, writeSnapshotRecords } from '../../../src/observe/snapshot-file.js';
import { snapshotLines, type SnapshotRecord } from '../../../src/observe/snapshot-lines.js';
import { parseSnapshot, serializeSnapshot } from '../../../src/observe/snapshot.js';
import { adUser, cloudUser, deletedFrom, group, observed, syncedFrom } from '../plan/builders.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function sample(): Snapshot {
  const a = adUser('alice', 1, { displayName: 'Alïce Ünïcode 日本' });
  const b = adUser('bob', 2, { consistencyGuid: '35918bc9-196d-40ea-9779-889d79b753f0' });
  const e = syncedFrom(a, 'e1', { roles: [{ role: 'Global Administrator', state: 'eligible', privileged: true }], onPremisesObjectIdentifier: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' });
  return {
    kind: 'entra-soa/snapshot',
    formatVersion: 2,
    capturedAt: '2026-11-21T12:00:00Z',
    source: 'graph.microsoft.com + ldaps://dc1.contoso.com',
    state: observed({ ad: [b, a], entra: [cloudUser('zed', 'e9'), e], deleted: [deletedFrom(cloudUser('old', 'e5'))], groups: [group('g2', 'B', true), group('g1', 'A', false)] }),
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'entra-soa-snaplines-'));
const text = (s: Snapshot) => [...snapshotLines(s)].join('');
/** A stream that hands the bytes over in pieces of `size` bytes (lines and UTF-8 characters split across chunks). */
const inPieces = (bytes: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
const messages = (r: { diagnostics: Parameters<typeof formatDiagnostic>[0][] }) => r.diagnostics.map(formatDiagnostic);

describe('snapshot formatVersion 2 (JSON Lines)', () => {
  it('write → read round-trips the state, sorted; a header line, one record per line, an end record', async () => {
    const dir = tmp();
    const s = sample();
    await writeSnapshotFile(join(dir, 'state.jsonl'), s);
    const written = readFileSync(join(dir, 'state.jsonl'), 'utf8');
    const lines = written.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ kind: 'entra-soa/snapshot', formatVersion: 2, capturedAt: '2026-11-21T12:00:00Z', ad: { baseDn: s.state.ad.baseDn } });
    expect(lines.slice(1).map((l) => (JSON.parse(l) as { type: string }).type)).toEqual([
      ...s.state.ad.organizationalUnits.map(() => 'adOrganizationalUnit'),
      'adUser',
      'adUser',
      'entraUser',
      'entraUser',
      'entraDeletedUser',
      'entraGroup',
      'entraGroup',
      'end',
    ]);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ type: 'end', adOrganizationalUnits: s.state.ad.organizationalUnits.length, adUsers: 2, entraUsers: 2, entraDeletedUsers: 1, entraGroups: 2 });
    expect(readdirSync(dir)).toEqual(['state.jsonl']);

    const r = await readSnapshotFile(join(dir, 'state.jsonl'), 'state.jsonl');
    expect(r.diagnostics).toEqual([]);
    expect(r.snapshot?.formatVersion).toBe(2);
    expect(r.snapshot?.state.ad.users.map((u) => u.samAccountName)).toEqual(['alice', 'bob']);
    expect(r.snapshot?.state.ad.users[0]?.displayName).toBe('Alïce Ünïcode 日本');
    expect(r.snapshot?.state.entra.users.map((u) => [u.id, u.onPremisesObjectIdentifier])).toEqual([
      ['e1', '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'],
      ['e9', null],
    ]);
    expect(r.snapshot?.state.entra.groups.map((g) => g.id)).toEqual(['g1', 'g2']);
    // the same content as format 1 holds, and the same bytes when written again
    expect(parseSnapshot(serializeSnapshot(s), 'v1.json').snapshot?.state).toEqual(r.snapshot?.state);
    expect(text(r.snapshot!)).toBe(written);
  });

  it('is byte-identical for equal inputs in any array order', () => {
    const s1 = sample();
    const s2 = sample();
    s2.state.ad.users.reverse();
    s2.state.entra.users.reverse();
    s2.state.entra.groups.reverse();
    expect(text(s2)).toBe(text(s1));
  });

  it('reads the same from a stream cut at any byte (lines and UTF-8 characters split across chunks), and from one string', async () => {
    const bytes = Buffer.from(text(sample()).replace(/\n/g, '\r\n'));
    const whole = parseSnapshot(bytes.toString('utf8'), 'x');
    expect(whole.diagnostics).toEqual([]);
    for (const size of [1, 3, 7, 64]) {
      const r = await readSnapshotStream(inPieces(bytes, size), 'x');
      expect(r.diagnostics).toEqual([]);
      expect(r.snapshot).toEqual(whole.snapshot);
    }
  });

  it('reads formatVersion 1 files: every committed example reads the same through the stream reader as parseSnapshot', async () => {
    const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory());
    let read = 0;
    for (const d of examples) {
      const path = join(ROOT, 'examples', d.name, 'snapshot.json');
      let v1: string;
      try {
        v1 = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const expected = parseSnapshot(v1, 'snapshot.json');
      expect(expected.snapshot?.formatVersion).toBe(1);
      const r = await readSnapshotFile(path, 'snapshot.json');
      expect(r).toEqual(expected);
      // and converted to format 2, the same state
      const dir = tmp();
      await writeSnapshotFile(join(dir, 's.jsonl'), r.snapshot!);
      expect((await readSnapshotFile(join(dir, 's.jsonl'))).snapshot?.state).toEqual(expected.snapshot?.state);
      read++;
    }
    expect(read).toBeGreaterThan(3);
  });

  it('format 1 problems keep their format 1 diagnostics through the stream reader', async () => {
    const bad = `{\n  "kind": "entra-soa/snapshot",\n  "formatVersion": 3\n}\n`;
    expect(messages(await readSnapshotStream(inPieces(Buffer.from(bad), 5), 'old.json'))).toEqual([
      'old.json:3:20: error snapshot-invalid: formatVersion 3 is not supported (this build reads 1 and 2): take the snapshot again with this version',
    ]);
  });

  it('a format 1 document that says formatVersion 2 is told what format 2 is', () => {
    const doc = { ...(JSON.parse(serializeSnapshot(sample())) as Record<string, unknown>), formatVersion: 2 };
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2)]) {
      expect(parseSnapshot(text, 'state.json').diagnostics.map((d) => d.message)).toEqual([
        'formatVersion 2 is JSON Lines (a header line, then one object per line), but state.json holds the whole state in one document: write it with `entra-soa snapshot --out`, or set formatVersion 1',
      ]);
    }
  });

  describe('problems are located at file:line:col', () => {
    const good = () => text(sample()).split('\n');
    const read = (lines: string[]) => readSnapshotStream(inPieces(Buffer.from(lines.join('\n')), 16), 'state.jsonl');
    const lineOf = (lines: string[], type: string) => lines.findIndex((l) => l.startsWith(`{"type":"${type}"`));

    it('a bad value names the record type, the property, and its line and column', async () => {
      const lines = good();
      const i = lineOf(lines, 'adUser');
      lines[i] = lines[i]!.replace(/"objectGuid":"[^"]+"/, '"objectGuid":"not-a-guid"');
      const col = lines[i].indexOf('"not-a-guid"') + 1;
      expect(messages(await read(lines))).toEqual([`state.jsonl:${i + 1}:${col}: error snapshot-invalid: adUser.objectGuid must be a GUID (e.g. 35918bc9-196d-40ea-9779-889d79b753f0)`]);
    });

    it('a missing property, an unknown property, a line that is not JSON, an unknown type', async () => {
      const lines = good();
      const e = lineOf(lines, 'entraUser');
      lines[e] = lines[e]!.replace(/"exchangeMailbox":[a-z]+,/, '');
      const g = lineOf(lines, 'entraGroup');
      lines[g] = lines[g]!.replace('{"type":"entraGroup",', '{"type":"entraGroup","colour":"red",');
      const d = lineOf(lines, 'entraDeletedUser');
      lines[d] = '{"type":"entraDeletedUser", oops}';
      lines.splice(2, 0, '{"type":"printer","name":"hunter2"}');
      expect(messages(await read(lines))).toEqual([
        'state.jsonl:3:1: error snapshot-invalid: line 3 has "type" "printer": a record\'s type is one of "adOrganizationalUnit", "adUser", "entraUser", "entraDeletedUser", "entraGroup", "end"',
        `state.jsonl:${e + 2}:1: error snapshot-invalid: entraUser is missing the property exchangeMailbox`,
        `state.jsonl:${d + 2}:29: error snapshot-invalid: line ${d + 2} is not valid JSON (expected a property name in double quotes, found 'o'): each line of a formatVersion 2 snapshot is one JSON object`,
        `state.jsonl:${g + 2}:1: error snapshot-invalid: entraGroup has an unknown property colour: remove it`,
      ]);
    });

    it('a lost line: the end record\'s counts disagree', async () => {
      const lines = good();
      lines.splice(lineOf(lines, 'entraDeletedUser'), 1);
      expect(messages(await read(lines))).toEqual([
        `state.jsonl:${lines.length - 1}:1: error snapshot-invalid: the end record counts 1 entraDeletedUser records but the file holds 0: lines were lost or added. Take the snapshot again`,
      ]);
    });

    it('a file cut short (no end record) is refused, not planned as a smaller tenant', async () => {
      const lines = good().slice(0, 5);
      expect(messages(await read(lines))).toEqual([
        'state.jsonl:6:1: error snapshot-invalid: state.jsonl ends at line 5 without its end record: the file is incomplete (cut short while written or copied). Take the snapshot again',
      ]);
    });

    it('a line after the end record, a header of another kind or version', async () => {
      const lines = good();
      lines.splice(lines.length - 1, 0, '{"type":"adOrganizationalUnit","dn":"OU=Late,DC=x"}');
      expect(messages(await read(lines))).toEqual([
        `state.jsonl:${lines.length - 1}:1: error snapshot-invalid: line ${lines.length - 1} comes after the end record (line ${lines.length - 2}): the end record must be the last line`,
      ]);
      const v9 = good();
      v9[0] = v9[0]!.replace('"formatVersion":2', '"formatVersion":9');
      expect(messages(await read(v9))).toEqual([
        `state.jsonl:1:${v9[0].indexOf('9,') + 1}: error snapshot-invalid: formatVersion 9 is not supported (this build reads 1 and 2): take the snapshot again with this version`,
      ]);
      expect(messages(await read(['{"kind":"entra-soa/plan","formatVersion":1,"steps":[]}']))).toEqual([
        'state.jsonl:1:9: error snapshot-invalid: kind must be "entra-soa/plan", found "entra-soa/plan": this is not an entra-soa snapshot'.replace('must be "entra-soa/plan"', 'must be "entra-soa/snapshot"'),
      ]);
      const noSource = good();
      noSource[0] = noSource[0]!.replace(/"source":"[^"]*",/, '');
      expect(messages(await read(noSource))).toEqual(['state.jsonl:1:1: error snapshot-invalid: the document is missing the property source']);
    });

    it('an empty file', async () => {
      expect(messages(await readSnapshotStream(Readable.from([]), 'empty.jsonl'))[0]).toMatch(/^empty\.jsonl:1:1: error snapshot-invalid: /);
    });

    it('reports at most 20 problems, then how many more', async () => {
      const lines = good();
      const bad = Array.from({ length: 30 }, () => '{"type":"adUser"}');
      lines.splice(1, 0, ...bad);
      const r = await read(lines);
      expect(r.snapshot).toBeNull();
      expect(r.diagnostics).toHaveLength(21);
      // each empty record lacks its 11 properties
      expect(r.diagnostics.at(-1)?.message).toBe(`${30 * 11 - 20} more problems not shown`);
    });
  });

  it('a large file is written from a lazy record source and read back as a stream (60,000 users)', async () => {
    const n = 30_000;
    const hex = (i: number, kind: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    const base = sample().state;
    function* records(): Generator<SnapshotRecord> {
      yield { type: 'adOrganizationalUnit', value: { dn: 'OU=Staff,DC=contoso,DC=com' } };
      for (let i = 0; i < n; i++) {
        const value: AdUser = { ...base.ad.users[0]!, dn: `CN=u${i},OU=Staff,DC=contoso,DC=com`, objectGuid: hex(i, 1), consistencyGuid: null, samAccountName: `u${i}`, userPrincipalName: `u${i}@contoso.com` };
        yield { type: 'adUser', value };
      }
      for (let i = 0; i < n; i++) {
        const value: EntraUser = { ...base.entra.users[0]!, id: hex(i, 2), userPrincipalName: `u${i}@contoso.com` };
        yield { type: 'entraUser', value };
      }
    }
    const dir = tmp();
    const path = join(dir, 'big.jsonl');
    await writeSnapshotRecords(path, { capturedAt: '2026-11-21T12:00:00Z', source: 'test', tenant: base.tenant, baseDn: 'DC=contoso,DC=com' }, records());
    const r = await readSnapshotFile(path, 'big.jsonl');
    expect(r.diagnostics).toEqual([]);
    expect(r.snapshot?.state.ad.users).toHaveLength(n);
    expect(r.snapshot?.state.entra.users).toHaveLength(n);
    expect(r.snapshot?.state.ad.users[n - 1]?.samAccountName).toBe(`u${n - 1}`);
    expect(r.snapshot?.state.entra.users[12_345]?.id).toBe(hex(12_345, 2));
    // the file is JSON Lines through and through: no line holds more than one object
    expect(readFileSync(path, 'utf8').split('\n').filter((l) => l !== '')).toHaveLength(2 * n + 3);
  });

  it('writing over an existing file replaces it whole', async () => {
    const dir = tmp();
    const path = join(dir, 'state.jsonl');
    writeFileSync(path, 'old content that is much longer than nothing at all\n'.repeat(1000));
    await writeSnapshotFile(path, sample());
    expect(readFileSync(path, 'utf8')).toBe(text(sample()));
  });
});
