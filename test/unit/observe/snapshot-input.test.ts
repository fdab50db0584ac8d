/** Issue 12 §7: snapshot file errors carry file:line:col, and malformed values never escape as exceptions. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/model/diagnostic.js';
import { parseSnapshot } from '../../../src/observe/snapshot.js';

describe('snapshot syntax errors are located by entra-soa (Node 20 gives no position for some, and quotes the text)', () => {
  it.each([
    ['{\n  "kind": }', "state.json:2:11: error snapshot-invalid: state.json is not valid JSON (expected a value (a string, number, object, array, true, false or null), found '}')"],
    ['{\n  "kind": "x",\n  "pw": "hunter2" }x', "state.json:3:20: error snapshot-invalid: state.json is not valid JSON (unexpected 'x' after the end of the JSON value)"],
    ['[1,,2]', "state.json:1:4: error snapshot-invalid: state.json is not valid JSON (expected a value (a string, number, object, array, true, false or null), found ',')"],
  ])('%j', (text, expected) => {
    const [d] = parseSnapshot(text, 'state.json').diagnostics.map(formatDiagnostic);
    expect(d).toBe(`${expected}: write it with \`entra-soa snapshot --out\` or fix the syntax`);
    expect(d).not.toContain('hunter2');
  });
});

describe('malformed snapshot values', () => {
  it('a 300,000-deep array as kind → one error at kind, no exception', () => {
    const text = `{"formatVersion": 1,\n "kind": ${'['.repeat(300_000)}${']'.repeat(300_000)}}`;
    const r = parseSnapshot(text, 'state.json');
    expect(r.snapshot).toBeNull();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'state.json:2:10: error snapshot-invalid: kind must be "entra-soa/snapshot", found an array of 1: this is not an entra-soa snapshot',
    ]);
  });

  it('a deep value next to a wrong one: the wrong one is still located', () => {
    const text = `{"kind": "entra-soa/snapshot", "formatVersion": 1, "junk": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "capturedAt": "yesterday"}`;
    const r = parseSnapshot(text, 'state.json');
    const where = r.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`);
    expect(where).toContain(`1:${text.indexOf('"yesterday"') + 1} capturedAt must be an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z)`);
  });
});
