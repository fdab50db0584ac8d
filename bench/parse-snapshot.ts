/**
 * The yardstick of the offline-plan goal: what reading a snapshot costs at the least. Reads the
 * file's lines and JSON.parse's each (formatVersion 2), or the whole file (formatVersion 1, `.json`),
 * keeping every object, with no validation; prints the object count. Run by bench/goals.ts in its
 * own process with bench/probe.ts, like the plan it is compared with.
 *
 *   node dist/bench/parse-snapshot.js snapshot.jsonl
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: parse-snapshot.js FILE');
const t0 = performance.now();
const kept: unknown[] = [];
if (file.endsWith('.json')) {
  kept.push(JSON.parse(readFileSync(file, 'utf8')));
} else {
  for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1024 * 1024 }), crlfDelay: Infinity })) {
    if (line !== '') kept.push(JSON.parse(line));
  }
}
console.log(`parsed ${kept.length.toLocaleString('en-US')} JSON values from ${file} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
