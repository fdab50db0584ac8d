// GitHub Actions, pull request: post the Markdown plan as one comment, updated in place on every push
// (found again by a hidden marker). Uses GITHUB_TOKEN (`permissions: pull-requests: write`).
//   node github-pr-comment.mjs PLAN_MD MANIFEST
import { readFileSync } from 'node:fs';
import { api, env, marker, markedBody } from './ci-api.mjs';

const [file = 'entra-soa-out/plan.md', manifest = 'entra-soa.yaml'] = process.argv.slice(2);
const base = `${env('GITHUB_API_URL')}/repos/${env('GITHUB_REPOSITORY')}`;
const token = env('GITHUB_TOKEN');
const event = JSON.parse(readFileSync(env('GITHUB_EVENT_PATH'), 'utf8'));
const number = event.pull_request?.number;
if (typeof number !== 'number') {
  console.error('entra-soa ci: this is not a pull_request event: nothing to comment on');
  process.exit(1);
}
const mark = marker('plan', manifest);
const body = markedBody(file, mark);
let found = null;
for (let page = 1; found === null; page++) {
  const comments = await api('GET', `${base}/issues/${number}/comments?per_page=100&page=${page}`, token);
  found = comments.find((c) => typeof c.body === 'string' && c.body.startsWith(mark)) ?? null;
  if (comments.length < 100) break;
}
if (found !== null) {
  await api('PATCH', `${base}/issues/comments/${found.id}`, token, { body });
  console.log(`entra-soa ci: updated the plan comment ${found.id} on pull request #${number}`);
} else {
  const created = await api('POST', `${base}/issues/${number}/comments`, token, { body });
  console.log(`entra-soa ci: posted the plan comment ${created.id} on pull request #${number}`);
}
