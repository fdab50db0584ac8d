import { randomBytes } from 'node:crypto';

// No ambiguous characters (0/O/o, 1/l/I, |, quotes, backslash, backtick).
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const DIGIT = '23456789';
const SYMBOL = '!#%+-=?@^*()[]{}<>:;.,~';
const ALL = UPPER + LOWER + DIGIT + SYMBOL;

/** Uniform index in [0, n) from the CSPRNG, without modulo bias. */
function pick(alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  for (;;) {
    const b = randomBytes(1)[0] as number;
    if (b < limit) return alphabet[b % alphabet.length] as string;
  }
}

/**
 * A 24-character password for a newly created AD user: all four character classes (so AD's
 * complexity policy accepts it), no look-alike characters. A secret: never log it.
 */
export function generatePassword(length = 24): string {
  if (length < 8) throw new Error('a generated password needs at least 8 characters');
  const chars = [pick(UPPER), pick(LOWER), pick(DIGIT), pick(SYMBOL)];
  while (chars.length < length) chars.push(pick(ALL));
  // Fisher-Yates with the CSPRNG, so the class-guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomBytes(4).readUInt32BE(0) % (i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
