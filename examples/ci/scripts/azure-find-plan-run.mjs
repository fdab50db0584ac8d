// Azure Pipelines, merge to main: find the pull-request validation run whose plan was reviewed, so the
// apply stage downloads that run's plan.json. Sets the variable planRunId (isOutput).
//   node azure-find-plan-run.mjs PLAN_PIPELINE_ID
import { api, env } from './ci-api.mjs';
import { API, projectApi, token } from './azure-api.mjs';

const definition = process.argv[2] ?? env('ENTRA_SOA_PLAN_PIPELINE_ID');
const base = projectApi();
const sha = env('BUILD_SOURCEVERSION');
const query = await api('POST', `${base}/git/repositories/${env('BUILD_REPOSITORY_ID')}/pullrequestquery?${API}`, token(), {
  queries: [{ type: 'lastMergeCommit', items: [sha] }],
});
const pr = query.results?.[0]?.[sha]?.[0];
if (pr === undefined) {
  console.error(`entra-soa ci: ${sha} is the merge of no pull request: only reviewed plans are applied`);
  process.exit(1);
}
const builds = await api('GET', `${base}/build/builds?definitions=${definition}&branchName=refs/pull/${pr.pullRequestId}/merge&resultFilter=succeeded&$top=1&${API}`, token());
const build = builds.value?.[0];
if (build === undefined) {
  console.error(`entra-soa ci: no successful plan run (pipeline ${definition}) for pull request ${pr.pullRequestId}: re-run its validation`);
  process.exit(1);
}
console.log(`##vso[task.setvariable variable=planRunId;isOutput=true]${build.id}`);
console.log(`entra-soa ci: the reviewed plan is from run ${build.id} of pull request ${pr.pullRequestId}`);
