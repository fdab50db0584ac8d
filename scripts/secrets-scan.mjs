#!/usr/bin/env node
// The secrets scan (issue 12 §8), run by scripts/test.sh after vitest: every byte the suite's runs
// printed or wrote (vitest's output and JSON report, every CLI transcript, the test folders left
// under .test-results/artifacts/tmp: journals, plans, snapshots, lab state) is searched for the
// secrets the suite planted. The only allowed places are the secrets files themselves:
//   - `secrets-*.tsv` (apply's generated passwords; must be mode 0600),
//   - the Samba DC's `admin-password` file,
//   - the lab's token hand-out: its `endpoint.json` (0600) and the `token:` / `Authorization: Bearer`
//     lines of the `lab up` banner.
// Secrets come from those places (harvested), from the environment (the Samba bind password), and
// from test/secrets/planted-literals.json (values tests plant on purpose). Each is searched in its
// raw, JSON-escaped, URL-encoded and base64 forms (UTF-8, and UTF-16LE as unicodePwd carries it),
// and JWT-shaped strings and Bearer tokens are flagged wherever they appear outside the hand-out.
// It cannot pass vacuously: it fails unless it saw vitest's output, at least one CLI transcript, and
// at least one secrets file written by this run, and unless its search finds each harvested secret
// in the file it came from. Directories named `test-inputs` hold files tests wrote as input (with
// planted secrets in them on purpose) and are not searched. It never prints a secret.
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Secrets shorter than this are not searched for (too many accidental matches). */
const MIN_SECRET_LENGTH = 8;
const CHUNK = 8 * 1024 * 1024;
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g;
/** Lines of the `lab up` banner that hand out the lab token on purpose (src/cli/lab.ts). */
// One line per lab identity: `    <identity>  <who it is>: <token>` (src/cli/lab.ts identityLines).
const LAB_HANDOUT_LINE = /^ {4}[a-z][a-z-]* +[^\n]*: (eyJ[A-Za-z0-9_.-]+)$/gm;

/** Every regular file under `root` (symbolic links not followed), skipping `test-inputs` folders. */
export function walk(root, out = []) {
  if (!existsSync(root)) return out;
  const st = lstatSync(root);
  if (st.isFile()) {
    out.push({ path: root, size: st.size, mode: st.mode & 0o777 });
    return out;
  }
  if (!st.isDirectory()) return out;
  for (const name of readdirSync(root)) {
    if (name === 'test-inputs') continue;
    walk(join(root, name), out);
  }
  return out;
}

/** The forms in which a secret could be written out. */
export function secretForms(value) {
  const forms = [
    ['raw', value],
    ['JSON-escaped', JSON.stringify(value).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(value)],
    ['base64', Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '')],
    ['unicodePwd base64', Buffer.from(`"${value}"`, 'utf16le').toString('base64').replace(/=+$/, '')],
  ];
  const seen = new Set();
  return forms.filter(([, text]) => {
    if (text.length < MIN_SECRET_LENGTH || seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

/**
 * A multi-needle search (Rabin-Karp over the needles' first 8 bytes, then an exact compare): one
 * pass per file whatever the number of secrets. Returns a function giving the matches in a buffer.
 */
export function needleSearch(needles) {
  const K = MIN_SECRET_LENGTH;
  const byHash = new Map();
  const hashOf = (buf, at) => {
    let h = 0;
    for (let i = 0; i < K; i++) h = (Math.imul(h, 31) + buf[at + i]) | 0;
    return h;
  };
  let pow = 1;
  for (let i = 0; i < K - 1; i++) pow = Math.imul(pow, 31);
  for (const n of needles) {
    const bytes = Buffer.from(n.text, 'utf8');
    const h = hashOf(bytes, 0);
    byHash.set(h, [...(byHash.get(h) ?? []), { ...n, bytes }]);
  }
  return (buf) => {
    const found = [];
    if (buf.length < K || byHash.size === 0) return found;
    let h = hashOf(buf, 0);
    for (let at = 0; ; at++) {
      const candidates = byHash.get(h);
      if (candidates) {
        for (const c of candidates) {
          if (at + c.bytes.length <= buf.length && buf.compare(c.bytes, 0, c.bytes.length, at, at + c.bytes.length) === 0) found.push({ at, needle: c });
        }
      }
      if (at + K >= buf.length) break;
      h = (Math.imul(h - Math.imul(buf[at], pow), 31) + buf[at + K]) | 0;
    }
    return found;
  };
}

/** Reads a file in chunks (overlapping by `overlap` bytes) and calls `fn(chunk, offsetOfChunk)`. */
function eachChunk(path, overlap, fn) {
  const fd = openSync(path, 'r');
  try {
    let offset = 0;
    let carry = Buffer.alloc(0);
    for (;;) {
      const buf = Buffer.alloc(CHUNK);
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = Buffer.concat([carry, buf.subarray(0, n)]);
      fn(chunk, offset - carry.length);
      carry = chunk.subarray(Math.max(0, chunk.length - overlap));
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
}

function lineOf(path, offset) {
  // Only for findings (rare): count newlines before the offset.
  const text = readFileSync(path);
  let line = 1;
  for (let i = text.indexOf(10); i !== -1 && i < offset; i = text.indexOf(10, i + 1)) line++;
  return line;
}

/** Byte ranges of a text that are an allowed place for the lab token (the `lab up` banner lines). */
function handoutRanges(text) {
  const ranges = [];
  for (const m of text.matchAll(LAB_HANDOUT_LINE)) {
    const start = Buffer.byteLength(text.slice(0, m.index), 'utf8');
    ranges.push({ start, end: start + Buffer.byteLength(m[0], 'utf8'), token: m[1] });
  }
  return ranges;
}

/**
 * Harvest, then search. `resultsDir` holds this run's output; `extraRoots` more folders to search;
 * `sambaPasswordFiles` the DC's admin-password files (allowed places); `literals` values tests plant;
 * `env` the environment (its Samba variables). Returns the report (no secret values in it).
 */
export function scanForSecrets({ resultsDir, extraRoots = [], sambaPasswordFiles = [], literals = [], env = {}, requireSamba = false }) {
  const artifacts = join(resultsDir, 'artifacts');
  const files = [...walk(resultsDir), ...extraRoots.flatMap((r) => walk(r))];
  const problems = [];
  const secrets = []; // { label, kind, value, home?: path }
  const allowed = new Set();
  const add = (kind, label, value, home) => {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    if (secrets.some((s) => s.value === value)) return;
    secrets.push({ kind, label, value, home });
  };

  // Allowed places, and what they hold.
  let runSecretsFiles = 0;
  const transcripts = files.filter((f) => f.path.startsWith(join(artifacts, 'cli') + '/'));
  for (const f of files) {
    const name = basename(f.path);
    if (/^secrets-.*\.tsv$/.test(name)) {
      allowed.add(f.path);
      if (f.mode !== 0o600) problems.push(`${rel(f.path)} is a secrets file with mode ${f.mode.toString(8)}, not 600`);
      const lines = readFileSync(f.path, 'utf8').split('\n').filter(Boolean);
      lines.forEach((l, i) => add('generated password', `generated password ${i + 1} of ${rel(f.path)}`, l.split('\t')[1], f.path));
      if (f.path.startsWith(artifacts + '/') && lines.length > 0) runSecretsFiles++;
    } else if (name === 'endpoint.json' && basename(dirname(f.path)) === 'lab') {
      allowed.add(f.path);
      try {
        add('lab token', `lab token of ${rel(f.path)}`, JSON.parse(readFileSync(f.path, 'utf8')).token, f.path);
      } catch {
        // a lab being written right now: nothing to harvest
      }
    }
  }
  for (const f of transcripts) {
    for (const r of handoutRanges(readFileSync(f.path, 'utf8'))) add('lab token', `lab token printed by lab up in ${rel(f.path)}`, r.token);
  }
  let sambaPlanted = false;
  for (const p of sambaPasswordFiles) {
    if (!existsSync(p)) continue;
    allowed.add(p);
    add('Samba admin password', `Samba admin password (${rel(p)})`, readFileSync(p, 'utf8').trim(), p);
    sambaPlanted = true;
  }
  for (const name of ['ENTRA_SOA_TEST_BIND_PASSWORD', 'ENTRA_SOA_SAMBA_ADMIN_PASSWORD']) {
    if (env[name]) {
      add('Samba admin password', `$${name}`, env[name]);
      sambaPlanted = true;
    }
  }
  for (const l of literals) add('planted test value', `test value planted in ${l.plantedIn}`, l.value);

  // The search.
  const needles = secrets.flatMap((s, i) => secretForms(s.value).map(([form, text]) => ({ secret: i, form, text })));
  const search = needleSearch(needles);
  const overlap = Math.max(64, ...needles.map((n) => Buffer.byteLength(n.text)));
  const findings = [];
  const seenInHome = new Set();
  let bytes = 0;
  const searched = files.filter((f) => !allowed.has(f.path));
  for (const f of [...searched, ...[...allowed].map((p) => ({ path: p }))]) {
    const isAllowed = allowed.has(f.path);
    const isTranscript = f.path.startsWith(join(artifacts, 'cli') + '/');
    const whole = isTranscript ? readFileSync(f.path, 'utf8') : null;
    const ranges = whole ? handoutRanges(whole) : [];
    const inHandout = (at) => ranges.some((r) => at >= r.start && at < r.end);
    const hits = new Map();
    eachChunk(f.path, overlap, (chunk, base) => {
      if (!isAllowed) bytes += chunk.length;
      for (const { at, needle } of search(chunk)) hits.set(`${base + at}:${needle.secret}:${needle.form}`, { at: base + at, needle });
      if (!isAllowed) {
        const text = chunk.toString('latin1');
        for (const [what, re] of [['a JWT-shaped token', JWT], ['a Bearer token', BEARER]]) {
          for (const m of text.matchAll(re)) hits.set(`${base + m.index}:${what}`, { at: base + m.index, pattern: what });
        }
      }
    });
    for (const h of hits.values()) {
      if (inHandout(h.at)) continue;
      if (h.needle && secrets[h.needle.secret].home === f.path) {
        seenInHome.add(h.needle.secret);
        continue;
      }
      if (isAllowed) continue;
      findings.push({
        file: rel(f.path),
        line: lineOf(f.path, h.at),
        what: h.needle ? `${secrets[h.needle.secret].label} (${h.needle.form})` : h.pattern,
      });
    }
  }

  // Not vacuous: the scanner saw the run's output, and found every harvested secret where it lives.
  const vitestLog = join(resultsDir, 'vitest-output.log');
  if (!existsSync(vitestLog) || !/Test Files/.test(readFileSync(vitestLog, 'utf8'))) problems.push(`${rel(vitestLog)} is missing or holds no vitest summary: the scan would not see what vitest printed`);
  if (transcripts.length === 0) problems.push(`no CLI transcript under ${rel(join(artifacts, 'cli'))}: the scan would not see what the CLI printed (is ENTRA_SOA_ARTIFACTS_DIR set?)`);
  if (runSecretsFiles === 0) problems.push(`no secrets file written by this run under ${rel(artifacts)}: nothing proves the scan sees a planted secret`);
  secrets.forEach((s, i) => {
    if (s.home && !seenInHome.has(i)) problems.push(`the search did not find ${s.label} in its own file: the scan is not seeing what it should`);
  });
  if (requireSamba && !sambaPlanted) problems.push('the Samba password is not known (no admin-password file, no ENTRA_SOA_TEST_BIND_PASSWORD): required here');

  const cliRuns = transcripts.reduce((n, f) => n + (readFileSync(f.path, 'utf8').match(/^=== /gm)?.length ?? 0), 0);
  const kinds = {};
  for (const s of secrets) kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
  return {
    files: searched.length,
    bytes,
    transcripts: transcripts.length,
    cliRuns,
    allowedFiles: allowed.size,
    secretsFilesThisRun: runSecretsFiles,
    planted: kinds,
    foundInAllowedPlaces: seenInHome.size,
    findings,
    problems,
    ok: findings.length === 0 && problems.length === 0,
  };
}

function rel(p) {
  return relative(REPO, p) || p;
}

function mb(n) {
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** The lines printed for a report. */
export function reportLines(r) {
  const planted = Object.entries(r.planted).map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`).join(', ') || 'none';
  const lines = [
    `secrets scan: ${r.files.toLocaleString('en-US')} files, ${mb(r.bytes)} searched (vitest's output and report, ${r.cliRuns.toLocaleString('en-US')} CLI outputs in ${r.transcripts} transcripts, the test folders); ` +
      `planted: ${planted}; ${r.secretsFilesThisRun} secrets file(s) written by this run; found in their allowed places: ${r.foundInAllowedPlaces}; found elsewhere: ${r.findings.length}`,
  ];
  for (const f of r.findings.slice(0, 50)) lines.push(`  LEAK ${f.file}:${f.line}: ${f.what}`);
  if (r.findings.length > 50) lines.push(`  ... ${r.findings.length - 50} more`);
  for (const p of r.problems) lines.push(`  NOT PROVEN: ${p}`);
  return lines;
}

function main(argv) {
  const arg = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const resultsDir = resolve(arg('results', join(REPO, '.test-results')));
  const literals = JSON.parse(readFileSync(resolve(arg('literals', join(REPO, 'test', 'secrets', 'planted-literals.json'))), 'utf8'));
  const sambaRoot = join(REPO, '.samba');
  const sambaPasswordFiles = existsSync(sambaRoot)
    ? readdirSync(sambaRoot)
        .filter((n) => n === 'template' || /^run-\d+$/.test(n))
        .map((n) => join(sambaRoot, n, 'admin-password'))
    : [];
  const report = scanForSecrets({
    resultsDir,
    extraRoots: [join(REPO, '.entra-soa')],
    sambaPasswordFiles,
    literals,
    env: process.env,
    requireSamba: argv.includes('--require-samba'),
  });
  writeFileSync(join(resultsDir, 'secrets-scan.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const l of reportLines(report)) console.log(l);
  return report.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
