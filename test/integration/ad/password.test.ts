import { describe, expect, it } from 'vitest';
import { generatePassword } from '../../../src/ad/index.js';

describe('generatePassword', () => {
  it('gives 24 characters with all four classes and no look-alikes, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toHaveLength(24);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[^A-Za-z0-9]/);
      expect(p).not.toMatch(/[0O1lI|'"`\\ ]/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });
});
