// Small helpers for the CI scripts: a JSON REST call that fails with a message a person can act on,
// required environment variables, and the hidden marker that identifies entra-soa's own comments.
/* global fetch -- Node 20 has it */
import { readFileSync } from 'node:fs';

/** The value of an environment variable the CI system sets; exits 1 naming it when missing. */
export function env(name) {
  const v = process.env[name];
  if (v === undefined || v === '') {
    console.error(`entra-soa ci: the environment variable ${name} is not set (it is set by the CI system or the workflow file)`);
    process.exit(1);
  }
  return v;
}

/** A JSON request; returns the parsed body (null for 204). */
export async function api(method, url, token, body, contentType = 'application/json') {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': contentType } : {}),
      'user-agent': 'entra-soa-ci',
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) {
    const text = await res.text();
    console.error(`entra-soa ci: ${method} ${new URL(url).pathname} answered ${res.status}: ${text.slice(0, 300)}`);
    process.exit(1);
  }
  return res.status === 204 ? null : res.json();
}

/** The hidden marker that finds entra-soa's comment / issue again (one per manifest). */
export function marker(kind, manifest) {
  return `<!-- entra-soa:${kind}:${manifest} -->`;
}

/** A file's text, with the marker as its first line. */
export function markedBody(file, mark) {
  return `${mark}\n${readFileSync(file, 'utf8')}`;
}
