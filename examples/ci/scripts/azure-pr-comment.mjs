// Azure Pipelines, pull-request validation: post the Markdown plan as one pull-request comment,
// updated in place on every push (found again by a hidden marker). The build service needs
// "Contribute to pull requests" on the repository.
//   node azure-pr-comment.mjs PLAN_MD MANIFEST
import { api, env, marker, markedBody } from './ci-api.mjs';
import { API, projectApi, token } from './azure-api.mjs';

const [file = 'entra-soa-out/plan.md', manifest = 'entra-soa.yaml'] = process.argv.slice(2);
const threads = `${projectApi()}/git/repositories/${env('BUILD_REPOSITORY_ID')}/pullRequests/${env('SYSTEM_PULLREQUEST_PULLREQUESTID')}/threads`;
const mark = marker('plan', manifest);
const content = markedBody(file, mark);
const { value } = await api('GET', `${threads}?${API}`, token());
const thread = value.find((t) => typeof t.comments?.[0]?.content === 'string' && t.comments[0].content.startsWith(mark));
if (thread !== undefined) {
  await api('PATCH', `${threads}/${thread.id}/comments/${thread.comments[0].id}?${API}`, token(), { content });
  console.log(`entra-soa ci: updated the plan comment in thread ${thread.id}`);
} else {
  const created = await api('POST', `${threads}?${API}`, token(), { comments: [{ parentCommentId: 0, content, commentType: 1 }], status: 'active' });
  console.log(`entra-soa ci: posted the plan comment in thread ${created.id}`);
}
