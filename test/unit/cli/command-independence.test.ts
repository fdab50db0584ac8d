/**
 * No command imports another: each command file registered in
 * src/cli/commands.ts imports shared modules (options, access, the document reader) and the layers
 * below, never another command's file. commands.ts itself registers them all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', '..', '..', 'src', 'cli');
const localImports = (file: string): string[] =>
  [...readFileSync(join(CLI, file), 'utf8').matchAll(/^(?:import|export)[^'"]*from '\.\/([a-z-]+)\.js'/gm)].map((m) => `${m[1] ?? ''}.ts`);

describe('src/cli commands', () => {
  it('import no other command', () => {
    const commands = localImports('commands.ts').filter((f) => f !== 'io.ts');
    expect(commands.length).toBeGreaterThanOrEqual(9);
    const crossings = commands.flatMap((file) => localImports(file).filter((f) => commands.includes(f)).map((f) => `${file} imports ${f}`));
    expect(crossings).toEqual([]);
  });
});
