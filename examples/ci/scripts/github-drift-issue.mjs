// GitHub Actions, schedule: keep one open issue while the directories have drifted (or could not be
// read), updated with the latest report; close it when they are back in sync. The issue is found by
// its label and a hidden marker. Uses GITHUB_TOKEN (`permissions: issues: write`).
//   node github-drift-issue.mjs STATUS REPORT_MD MANIFEST
import { api, env, marker, markedBody } from './ci-api.mjs';

const [status, file = 'entra-soa-report/report.md', manifest = 'entra-soa.yaml'] = process.argv.slice(2);
if (!['in-sync', 'drifted', 'incomplete'].includes(status)) {
  console.error(`entra-soa ci: unknown drift status ${JSON.stringify(status)} (expected in-sync, drifted or incomplete)`);
  process.exit(1);
}
const base = `${env('GITHUB_API_URL')}/repos/${env('GITHUB_REPOSITORY')}`;
const token = env('GITHUB_TOKEN');
const label = 'entra-soa-drift';
const mark = marker('drift', manifest);
const runUrl = `${env('GITHUB_SERVER_URL')}/${env('GITHUB_REPOSITORY')}/actions/runs/${env('GITHUB_RUN_ID')}`;
const open = await api('GET', `${base}/issues?state=open&labels=${label}&per_page=100`, token);
const issue = open.find((i) => typeof i.body === 'string' && i.body.startsWith(mark)) ?? null;
if (status === 'in-sync') {
  if (issue === null) {
    console.log('entra-soa ci: in sync, no open drift issue');
  } else {
    await api('POST', `${base}/issues/${issue.number}/comments`, token, { body: `Back in sync: ${runUrl}` });
    await api('PATCH', `${base}/issues/${issue.number}`, token, { state: 'closed', state_reason: 'completed' });
    console.log(`entra-soa ci: closed drift issue #${issue.number}`);
  }
} else {
  const title = status === 'drifted' ? `entra-soa: drift in ${manifest}` : `entra-soa: drift check of ${manifest} is incomplete`;
  const body = `${markedBody(file, mark)}\n\n[Run](${runUrl})\n`;
  if (issue === null) {
    const created = await api('POST', `${base}/issues`, token, { title, body, labels: [label] });
    console.log(`entra-soa ci: opened drift issue #${created.number}`);
  } else {
    await api('PATCH', `${base}/issues/${issue.number}`, token, { title, body });
    console.log(`entra-soa ci: updated drift issue #${issue.number}`);
  }
}
