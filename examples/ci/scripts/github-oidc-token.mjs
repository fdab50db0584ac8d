// GitHub Actions: write the workflow's OIDC ID token (audience api://AzureADTokenExchange) to a file
// for `entra-soa --auth workload-identity --federated-token-file FILE` (workload identity federation).
// Needs `permissions: id-token: write`, which makes GitHub set ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN.
//   node github-oidc-token.mjs FILE
import { writeFileSync } from 'node:fs';
import { api, env } from './ci-api.mjs';

const file = process.argv[2] ?? 'federated-token';
const url = new URL(env('ACTIONS_ID_TOKEN_REQUEST_URL'));
url.searchParams.set('audience', 'api://AzureADTokenExchange');
const { value } = await api('GET', url.href, env('ACTIONS_ID_TOKEN_REQUEST_TOKEN'));
if (typeof value !== 'string' || value === '') {
  console.error('entra-soa ci: GitHub returned no ID token: does the job have `permissions: id-token: write`?');
  process.exit(1);
}
writeFileSync(file, value, { mode: 0o600 });
console.log(`entra-soa ci: wrote the OIDC token to ${file}`);
