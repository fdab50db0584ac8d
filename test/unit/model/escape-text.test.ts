import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/model/diagnostic.js';
import { escapeControlChars, escapeControlCharsDeep } from '../../../src/model/escape-text.js';

describe('escapeControlChars', () => {
  it('writes control characters as visible escapes and leaves other text (backslashes, accents, emoji) alone', () => {
    expect(escapeControlChars('a\u001b[31mred\u001b[0m')).toBe('a\\x1b[31mred\\x1b[0m');
    expect(escapeControlChars('tab\there\r\nnext\u0000')).toBe('tab\\there\\r\\nnext\\x00');
    expect(escapeControlChars('DEL\u007f C1\u009b bidi\u202eevil\u2066 sep\u2028')).toBe('DEL\\x7f C1\\x9b bidi\\u202eevil\\u2066 sep\\u2028');
    expect(escapeControlChars('CN=Smith\\, John\\ ,OU=Zoë 🚀')).toBe('CN=Smith\\, John\\ ,OU=Zoë 🚀');
  });

  it('keepNewlines keeps line breaks (and escapes a CR that could overwrite a line)', () => {
    expect(escapeControlChars('one\ntwo\r\u001b[2K', { keepNewlines: true })).toBe('one\ntwo\\r\\x1b[2K');
  });

  it('deep: every string value of plain data, keys kept', () => {
    expect(escapeControlCharsDeep({ a: ['x\u001b', 1, null, { 'k\u001b': 'v\r' }], b: true })).toEqual({ a: ['x\\x1b', 1, null, { 'k\u001b': 'v\\r' }], b: true });
  });
});

describe('formatDiagnostic escapes what the input put in the message and the file name', () => {
  it('one line per diagnostic, whatever the message quotes', () => {
    const text = formatDiagnostic({
      severity: 'error',
      code: 'dn-outside-base',
      message: 'rule "x\u001b]0;pwned\u0007": select.ou "OU=a\nerror schema: forged" is not inside the base DN',
      location: { file: 'm\u202e.yaml', line: 3, col: 5 },
      related: [{ file: 'm\r.yaml', line: 1, col: 1 }],
    });
    expect(text).toBe(
      'm\\u202e.yaml:3:5: error dn-outside-base: rule "x\\x1b]0;pwned\\x07": select.ou "OU=a\\nerror schema: forged" is not inside the base DN\n  m\\r.yaml:1:1: note: see here',
    );
  });
});
