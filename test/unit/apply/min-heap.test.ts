import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../src/apply/min-heap.js';

describe('MinHeap', () => {
  it('from any pushes (interleaved with pops) → pops come out in ascending order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 200 }), (values) => {
        const heap = new MinHeap<number>((a, b) => a - b);
        const out: number[] = [];
        values.forEach((v, i) => {
          heap.push(v);
          if (i % 3 === 2) out.push(heap.pop() as number); // take the smallest so far now and then
        });
        const taken = out.length;
        while (heap.size > 0) out.push(heap.pop() as number);
        expect(out).toHaveLength(values.length);
        expect(out.slice(taken)).toEqual([...out.slice(taken)].sort((a, b) => a - b));
        expect([...out].sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('from empty → pop gives undefined and size 0', () => {
    const heap = new MinHeap<string>((a, b) => a.localeCompare(b));
    expect(heap.pop()).toBeUndefined();
    expect(heap.size).toBe(0);
  });
});
