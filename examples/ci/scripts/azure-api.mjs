// Azure DevOps REST: the project's base URL and the job's token (map it in the step:
// `env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }`).
import { env } from './ci-api.mjs';

export const API = 'api-version=7.1';

/** `https://dev.azure.com/org/project/_apis` from the predefined variables. */
export function projectApi() {
  const collection = env('SYSTEM_COLLECTIONURI').replace(/\/?$/, '/');
  return `${collection}${encodeURIComponent(env('SYSTEM_TEAMPROJECT'))}/_apis`;
}

export function token() {
  return env('SYSTEM_ACCESSTOKEN');
}
