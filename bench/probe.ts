/**
 * Loaded into a measured child process (`node --import ./dist/bench/probe.js …`): at exit it writes
 * the process's own figures to the file named by BENCH_PROBE_OUT — peak RSS (getrusage maxrss, what
 * `/usr/bin/time -v` reports), CPU time, and the HTTP requests its servers received (the lab's Graph
 * emulator when it runs in the process), counted through node:diagnostics_channel without touching
 * the product. The measured command is the built CLI, unchanged.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';

const out = process.env['BENCH_PROBE_OUT'];
const byRoute: Record<string, number> = {};
let requests = 0;

subscribe('http.server.request.start', (message) => {
  const url = (message as { request: IncomingMessage }).request.url ?? '';
  const path = url.split('?')[0] ?? '';
  if (path.startsWith('/_lab/')) return;
  requests++;
  // /v1.0/users/<id>/… → /v1.0/users/{id}/…: one route per kind of request
  const route = path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{id}');
  byRoute[route] = (byRoute[route] ?? 0) + 1;
});

process.on('exit', () => {
  if (out === undefined) return;
  const usage = process.resourceUsage();
  writeFileSync(out, JSON.stringify({ maxRssMb: Math.round(usage.maxRSS / 1024), cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, requests, byRoute }));
});
