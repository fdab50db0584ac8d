// GitHub Actions, push to main: find the pull-request run whose plan was reviewed, so the apply job
// downloads that run's plan.json (actions/download-artifact with run-id). Writes run-id to GITHUB_OUTPUT.
//   node github-find-plan-run.mjs PLAN_WORKFLOW_FILE
import { appendFileSync } from 'node:fs';
import { api, env } from './ci-api.mjs';

const workflow = process.argv[2] ?? 'entra-soa-plan.yml';
const base = `${env('GITHUB_API_URL')}/repos/${env('GITHUB_REPOSITORY')}`;
const token = env('GITHUB_TOKEN');
const pulls = await api('GET', `${base}/commits/${env('GITHUB_SHA')}/pulls`, token);
const pr = pulls.find((p) => p.merged_at !== null) ?? pulls[0];
if (pr === undefined) {
  console.error(`entra-soa ci: ${env('GITHUB_SHA')} came from no pull request: only reviewed plans are applied`);
  process.exit(1);
}
const runs = await api('GET', `${base}/actions/workflows/${workflow}/runs?event=pull_request&status=success&head_sha=${pr.head.sha}`, token);
const run = runs.workflow_runs?.[0];
if (run === undefined) {
  console.error(`entra-soa ci: no successful ${workflow} run for pull request #${pr.number} at ${pr.head.sha}: re-run its plan`);
  process.exit(1);
}
appendFileSync(env('GITHUB_OUTPUT'), `run-id=${run.id}\npr=${pr.number}\n`);
console.log(`entra-soa ci: the reviewed plan is from run ${run.id} of pull request #${pr.number}`);
