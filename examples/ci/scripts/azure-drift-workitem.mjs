// Azure Pipelines, schedule: keep one open work item while the directories have drifted (or could not
// be read), updated with the latest report; close it when they are back in sync. Found by its tag.
//   node azure-drift-workitem.mjs STATUS REPORT_MD MANIFEST
// ENTRA_SOA_WORKITEM_TYPE (default Issue) and ENTRA_SOA_WORKITEM_DONE_STATE (default Done) fit the
// project's process (Agile: Issue / Closed; Basic: Issue / Done).
import { readFileSync } from 'node:fs';
import { api, env, marker } from './ci-api.mjs';
import { API, projectApi, token } from './azure-api.mjs';

const [status, file = 'entra-soa-report/report.md', manifest = 'entra-soa.yaml'] = process.argv.slice(2);
if (!['in-sync', 'drifted', 'incomplete'].includes(status)) {
  console.error(`entra-soa ci: unknown drift status ${JSON.stringify(status)} (expected in-sync, drifted or incomplete)`);
  process.exit(1);
}
const tag = 'entra-soa-drift';
const type = process.env.ENTRA_SOA_WORKITEM_TYPE || 'Issue';
const done = process.env.ENTRA_SOA_WORKITEM_DONE_STATE || 'Done';
const base = projectApi();
const run = `${env('SYSTEM_COLLECTIONURI').replace(/\/?$/, '/')}${encodeURIComponent(env('SYSTEM_TEAMPROJECT'))}/_build/results?buildId=${env('BUILD_BUILDID')}`;
const query = `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Tags] CONTAINS '${tag}' AND [System.Title] CONTAINS '${manifest.replace(/'/g, "''")}' AND [System.State] <> '${done}'`;
const found = await api('POST', `${base}/wit/wiql?${API}`, token(), { query });
const id = found.workItems?.[0]?.id;
const patch = (ops) => ops.map(([path, value]) => ({ op: 'add', path, value }));
const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
if (status === 'in-sync') {
  if (id === undefined) console.log('entra-soa ci: in sync, no open drift work item');
  else {
    await api('PATCH', `${base}/wit/workitems/${id}?${API}`, token(), patch([['/fields/System.State', done], ['/fields/System.History', `Back in sync: <a href="${run}">run</a>`]]), 'application/json-patch+json');
    console.log(`entra-soa ci: closed drift work item ${id}`);
  }
} else {
  const title = status === 'drifted' ? `entra-soa: drift in ${manifest}` : `entra-soa: drift check of ${manifest} is incomplete`;
  const description = `${marker('drift', manifest)}<p><a href="${run}">Run</a></p><pre>${escape(readFileSync(file, 'utf8'))}</pre>`;
  const fields = patch([['/fields/System.Title', title], ['/fields/System.Description', description], ['/fields/System.Tags', tag]]);
  if (id === undefined) {
    const created = await api('POST', `${base}/wit/workitems/$${type}?${API}`, token(), fields, 'application/json-patch+json');
    console.log(`entra-soa ci: opened drift work item ${created.id}`);
  } else {
    await api('PATCH', `${base}/wit/workitems/${id}?${API}`, token(), fields, 'application/json-patch+json');
    console.log(`entra-soa ci: updated drift work item ${id}`);
  }
}
