/** Shared option checks (src/cli/options.ts), colour rules and error lines (src/cli/io.ts). */
import { describe, expect, it } from 'vitest';
import { errorLine, useColor } from '../../../src/cli/io.js';
import { checkEnvNameOptions, checkNumberOptions, checkRepeatedOptions, manifestPathOf, UsageError, wholeNumber } from '../../../src/cli/options.js';
import { captureIo } from '../../helpers/cli-io.js';

describe('wholeNumber', () => {
  const concurrency = wholeNumber('--concurrency', 1);
  it('takes whole numbers from the minimum up, and says what it expected otherwise', () => {
    expect(concurrency('8')).toBe(8);
    expect(concurrency(4)).toBe(4);
    for (const bad of ['abc', '0', '-1', '1.5', '0x10', '', '99999999999999999999']) {
      expect(() => concurrency(bad)).toThrow(new UsageError(`--concurrency must be a whole number of at least 1 (got ${bad})`));
    }
    expect(() => concurrency(['2', '3'])).toThrow('--concurrency was given more than once: give it once');
  });
});

describe('options that name an environment variable', () => {
  it('accept a variable name', () => {
    expect(() => checkEnvNameOptions({ 'graph-token-env': 'ENTRA_SOA_TOKEN', 'client-secret-env': '_x1', file: 'not checked' })).not.toThrow();
  });

  it('refuse anything else without repeating it', () => {
    for (const value of ['eyJhbGciOi.J9.sig', 'p@ss word', '1ABC', 'A-B', '$HOME']) {
      let message = '';
      try {
        checkEnvNameOptions({ 'ad-password-env': value });
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        message = (e as Error).message;
      }
      expect(message).toMatch(/^--ad-password-env takes the NAME of an environment variable/);
      expect(message).not.toContain(value);
    }
    expect(() => checkEnvNameOptions({ 'token-env': '' })).toThrow('--token-env needs the NAME of an environment variable, e.g. --token-env ENTRA_SOA_TOKEN');
    expect(() => checkEnvNameOptions({ 'token-env': true })).toThrow('--token-env needs the NAME');
    expect(() => checkEnvNameOptions({ 'token-env': ['A', 'sec ret'] })).toThrow(/^--token-env was given more than once: give it once$/);
  });
});

describe('repeated and non-numeric options', () => {
  it('a repeated option is refused by its long name', () => {
    expect(() => checkRepeatedOptions({ _: ['plan'], f: ['a', 'b'], file: ['a', 'b'] }, new Set())).toThrow('--file was given more than once: give it once');
    expect(() => checkRepeatedOptions({ _: ['plan', 'x'], file: 'a' }, new Set())).not.toThrow();
    // an option declared `array: true` may be repeated (export --sync-scope-include A --sync-scope-include B)
    expect(() => checkRepeatedOptions({ _: ['export'], 'sync-scope-include': ['A', 'B'] }, new Set(['sync-scope-include']))).not.toThrow();
  });
  it('NaN from a number option is refused', () => {
    expect(() => checkNumberOptions({ port: Number.NaN })).toThrow('--port needs a number');
    expect(() => checkNumberOptions({ port: 8080 })).not.toThrow();
  });
});

describe('the manifest: first argument or -f', () => {
  it('either, or both when they agree; never none or two', () => {
    expect(manifestPathOf({ manifest: 'm.yaml' })).toBe('m.yaml');
    expect(manifestPathOf({ file: 'm.yaml' })).toBe('m.yaml');
    expect(manifestPathOf({ manifest: 'm.yaml', file: 'm.yaml' })).toBe('m.yaml');
    expect(() => manifestPathOf({})).toThrow('name the manifest: as the first argument (manifest.yaml) or with -f manifest.yaml');
    expect(() => manifestPathOf({ manifest: 'a.yaml', file: 'b.yaml' })).toThrow('the manifest is named twice (a.yaml and -f b.yaml): give one');
  });
});

describe('useColor', () => {
  const color = (env: Record<string, string>, tty: boolean, flag?: boolean) => useColor(captureIo('/', { env, stdoutIsTTY: tty }).io, flag);
  it('flag > FORCE_COLOR (Node.js rules) > NO_COLOR > a terminal that is not dumb', () => {
    expect(color({}, true)).toBe(true);
    expect(color({}, false)).toBe(false);
    expect(color({ TERM: 'dumb' }, true)).toBe(false);
    expect(color({ NO_COLOR: '1' }, true)).toBe(false);
    expect(color({ NO_COLOR: '' }, true)).toBe(true);
    for (const v of ['', '1', '2', '3', 'true']) expect(color({ FORCE_COLOR: v, NO_COLOR: '1' }, false)).toBe(true);
    for (const v of ['0', 'false', 'no']) expect(color({ FORCE_COLOR: v }, true)).toBe(false);
    expect(color({ NO_COLOR: '1', FORCE_COLOR: '0' }, true, true)).toBe(true);
    expect(color({ FORCE_COLOR: '1' }, true, false)).toBe(false);
  });
});

describe('errorLine', () => {
  it('ends every message with exactly one full stop', () => {
    expect(errorLine('plan', 'cannot connect')).toBe('entra-soa plan: cannot connect.\n');
    expect(errorLine('plan', 'cannot connect.')).toBe('entra-soa plan: cannot connect.\n');
    expect(errorLine('plan', 'cannot connect..  ')).toBe('entra-soa plan: cannot connect.\n');
    expect(errorLine('lab', 'and 3 more...')).toBe('entra-soa lab: and 3 more...\n');
    expect(errorLine('plan', 'see (docs/x.md)')).toBe('entra-soa plan: see (docs/x.md).\n');
    expect(errorLine('', 'did you mean plan?')).toBe('entra-soa: did you mean plan?\n');
    expect(errorLine('apply', 'names it:')).toBe('entra-soa apply: names it.\n');
  });
});
