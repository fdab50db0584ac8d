import { describe, expect, it } from 'vitest';
import { jsonSyntaxError, lineColAt, locateJsonPaths, previewJson } from '../../../src/model/json-source.js';

function errorAt(text: string): string | null {
  const e = jsonSyntaxError(text);
  if (e === null) return null;
  const p = lineColAt(text, e.offset);
  return `${p.line}:${p.col} ${e.message}`;
}

describe('JSON syntax errors: where and what, without quoting the text', () => {
  it.each([
    ['{"a":}', "1:6 expected a value (a string, number, object, array, true, false or null), found '}'"],
    ['{"a":1', "1:7 expected ',' or '}' after a property value, found the end of the file"],
    ['{"a":', '1:6 unexpected end of the file: a value is missing'],
    ['{"a":1}x', "1:8 unexpected 'x' after the end of the JSON value"],
    ['', '1:1 the file is empty: expected a JSON value'],
    ['{\n  "a": "x\ny"\n}', '2:10 the control character U+000A must be escaped inside a string'],
    ['[1,2,,]', "1:6 expected a value (a string, number, object, array, true, false or null), found ','"],
    ['{"kind": "entra-soa/plan",\n  oops\n}', "2:3 expected a property name in double quotes, found 'o'"],
    ['{"a" 1}', "1:6 expected ':' after the property name, found '1'"],
    ['[1 2]', "1:4 expected ',' or ']' after an array element, found '2'"],
    ['{"a":1 "b":2}', "1:8 expected ',' or '}' after a property value, found '\"'"],
    ['"\\x"', "1:2 the escape \\'x' is not valid in a string"],
    ['"\\u12"', '1:2 \\u must be followed by four hexadecimal digits'],
    ['01', "1:2 unexpected '1' after the end of the JSON value"],
    ['-', '1:1 not a valid number'],
    ['\uFEFF{}', '1:1 expected a value (a string, number, object, array, true, false or null), found U+FEFF'],
    ['{"secret": "hunter2" oops}', "1:22 expected ',' or '}' after a property value, found 'o'"],
  ])('%j → %s', (text, expected) => {
    expect(errorAt(text)).toBe(expected);
    expect(jsonSyntaxError(text)?.message).not.toContain('hunter2');
  });

  it('agrees with JSON.parse on valid documents', () => {
    for (const text of ['{}', '[]', '0', '-1.5e+3', '"a\\u00e9\\n"', 'true', ' null ', '{"a":[1,{"b":false}],"c":""}', '[[],[[]],{}]']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonSyntaxError(text)).toBeNull();
    }
  });

  it('a million levels of nesting: no stack overflow, one pass', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(999_999)}`;
    expect(errorAt(deep)).toBe("1:2000000 expected ',' or ']' after an array element, found the end of the file");
    expect(jsonSyntaxError(`{"a":${'['.repeat(500_000)}${']'.repeat(500_000)}}`)).toBeNull();
  });
});

describe('locateJsonPaths', () => {
  const text = '{\n  "kind": "x",\n  "steps": [\n    {"id": "s1", "dependsOn": []},\n    {"id": "s2", "a.b": {"c": 1}}\n  ]\n}\n';

  it('finds each value, including keys with dots and array elements, in one pass', () => {
    expect(locateJsonPaths(text, [['kind'], ['steps', 1, 'id'], ['steps', 1, 'a.b', 'c'], ['steps', 0, 'dependsOn'], []])).toEqual([
      { line: 2, col: 11 },
      { line: 5, col: 12 },
      { line: 5, col: 31 },
      { line: 4, col: 31 },
      { line: 1, col: 1 },
    ]);
  });

  it('falls back to the closest ancestor that exists', () => {
    expect(locateJsonPaths(text, [['steps', 1, 'missing'], ['steps', 7], ['nope']])).toEqual([
      { line: 5, col: 5 },
      { line: 3, col: 12 },
      { line: 1, col: 1 },
    ]);
  });

  it('does not overflow on deep siblings of the path it looks for', () => {
    const deep = `{"junk": ${'['.repeat(200_000)}${']'.repeat(200_000)}, "kind": 1}`;
    expect(locateJsonPaths(deep, [['kind']])).toEqual([{ line: 1, col: deep.length - 1 }]);
  });
});

describe('previewJson', () => {
  it('describes without walking into containers', () => {
    expect(previewJson('s001')).toBe('"s001"');
    expect(previewJson('x'.repeat(100))).toBe(`"${'x'.repeat(60)}"…`);
    expect(previewJson(42)).toBe('42');
    expect(previewJson(null)).toBe('null');
    expect(previewJson([1, 2])).toBe('an array of 2');
    expect(previewJson({ a: 1 })).toBe('an object');
    let deep: unknown = [];
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(previewJson(deep)).toBe('an array of 1');
  });
});
