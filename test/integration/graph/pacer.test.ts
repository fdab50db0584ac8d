import { describe, expect, it } from 'vitest';
import { WritePacer } from '../../../src/graph/pacer.js';
import { fakeClock, maxInWindow } from '../../helpers/clock.js';

describe('WritePacer', () => {
  it('keeps 200 writes under a budget of 30 per 10 s, at nearly the full rate', async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ writes: 30, windowSeconds: 10, burst: 5 }, clock);
    const granted: number[] = [];
    for (let i = 0; i < 200; i++) {
      await pacer.acquire(1);
      granted.push(clock.t);
    }
    expect(maxInWindow(granted, 10_000)).toBeLessThanOrEqual(30);
    // 200 writes at 25/10 s after a burst of 5: (200 - 5) / 2.5 per s = 78 s
    expect(clock.t).toBe(78_000);
    expect(pacer.granted).toBe(200);
    expect(pacer.waitedMs).toBe(78_000);
  });

  it('batches take 20 tokens at once and stay under 3,000 per 150 s', async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({}, clock);
    const granted: number[] = [];
    for (let i = 0; i < 500; i++) {
      await pacer.acquire(20);
      for (let k = 0; k < 20; k++) granted.push(clock.t);
    }
    expect(granted).toHaveLength(10_000);
    expect(maxInWindow(granted, 150_000)).toBeLessThanOrEqual(3000);
    // docs/graph-access.md "Pacing writes": 10,000 writes take at least about 8.3 minutes
    expect(clock.t / 60_000).toBeGreaterThan(8.3);
    expect(clock.t / 60_000).toBeLessThan(8.5);
  });

  it('concurrent writers queue in order and share one budget', async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ writes: 10, windowSeconds: 10, burst: 2 }, clock);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => pacer.acquire(1).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    // 2 at once, then one per 1.25 s
    expect(clock.t).toBe(5000);
  });

  it('a 429 holds every writer for Retry-After', async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ writes: 100, windowSeconds: 10, burst: 10 }, clock);
    await pacer.acquire(1);
    pacer.penalise(7);
    await pacer.acquire(1);
    expect(clock.t).toBe(7000);
  });

  it('refuses an impossible budget and oversize acquisitions', () => {
    expect(() => new WritePacer({ writes: 10, burst: 20 })).toThrow('invalid write budget');
    const pacer = new WritePacer({ writes: 100, windowSeconds: 10, burst: 20 }, fakeClock());
    expect(() => pacer.acquire(21)).toThrow('cannot acquire 21 writes at once: the burst is 20');
  });
});
