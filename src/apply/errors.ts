import { DirectoryError } from '../model/directory.js';
import { GraphError } from '../model/entra.js';

/** An expected step failure whose message is already complete (what, which object, what to do). */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** Apply was interrupted (SIGINT / abort) while this step waited. */
export class ApplyInterrupted extends Error {
  constructor() {
    super('apply was interrupted');
    this.name = 'ApplyInterrupted';
  }
}

const clip = (m: string) => m.replace(/[.\s]+$/, '');

/** A failure of a Graph / AD call, worded for the user: what failed and what to do next. */
export function describeFailure(title: string, e: unknown): string {
  if (e instanceof StepFailure) return e.message;
  if (e instanceof GraphError) {
    const answer = e.status === 0 ? `no answer from Graph (${e.code})` : `Graph answered ${e.status} ${e.code}`;
    return `could not ${title}: ${answer}: ${clip(e.message)}${e.requestId ? ` (request-id ${e.requestId})` : ''}. ${graphHint(e)}`.trim();
  }
  if (e instanceof DirectoryError) {
    return `could not ${title}: AD answered ${e.code}: ${clip(e.message)}. ${directoryHint(e)}`.trim();
  }
  const msg = e instanceof Error ? e.message : String(e);
  return `could not ${title}: ${clip(msg)}. Run apply again to retry: steps already done are not repeated.`;
}

function graphHint(e: GraphError): string {
  if (e.code === 'SignInFailed') return 'Check --auth and its credential (--client-id, --certificate-file, --client-secret-env, --federated-token-file, --tenant-id).';
  if (e.status === 0) return 'Microsoft Graph could not be reached: check the network, proxy and --graph-endpoint, then run apply again.';
  if (e.status === 429) return 'Graph is throttling this app: run apply again in a few minutes.';
  if (e.status === 401) return 'The token was refused: check the credentials (--auth, --tenant-id, --client-id).';
  if (e.status === 403) return 'The sign-in lacks a permission or role (an application: a Graph application permission such as User-OnPremisesSyncBehavior.ReadWrite.All; a signed-in user: a directory role such as Hybrid Identity Administrator, see the README permissions table): grant it and run apply again.';
  if (e.status === 404) return 'The object no longer exists: run plan again.';
  if (e.status >= 500) return 'Graph had a transient failure: run apply again to retry.';
  return 'Run plan again to see the current state.';
}

function directoryHint(e: DirectoryError): string {
  switch (e.code) {
    case 'unavailable':
      return 'The domain controller could not be reached: when it is back, run apply again to resume.';
    case 'insufficient-rights':
      return 'The bind account lacks the right for this change: grant it and run apply again.';
    case 'invalid-credentials':
      return 'The bind credentials were refused: check --ad-bind-dn and the password variable.';
    case 'no-such-object':
      return 'The object or OU does not exist (any more): run plan again.';
    case 'already-exists':
      return 'An object with that name already exists: run plan again.';
    case 'constraint-violation':
      return 'AD refused the value (password policy, duplicate UPN or format): fix the manifest or AD, then plan again.';
    case 'tls':
      return 'The TLS connection failed: check --ad-ca-file and the DC certificate.';
    case 'closed':
      return 'The AD connection had already been closed: run apply again.';
    case 'other':
      return 'Run apply again to retry.';
  }
}
