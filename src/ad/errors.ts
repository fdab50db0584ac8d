import { ResultCodeError } from 'ldapts';
import { DirectoryError, type DirectoryErrorCode } from '../model/directory.js';

/** What was being attempted, so an error can say what failed, on which object, and what to do. */
export interface OperationContext {
  /** A short verb phrase: "read users under DC=..", "move CN=.. to OU=..". */
  action: string;
  /** The object concerned. */
  dn?: string;
  /** The AD right this operation needs, for insufficientAccessRights. */
  right?: string;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** AD puts a Win32 error in the diagnostic message, e.g. "0000052D: Constraint violation ...". */
function win32Code(message: string): string | null {
  const m = /\b([0-9A-Fa-f]{8}):/.exec(message);
  return m ? (m[1] as string).toUpperCase() : null;
}

function make(code: DirectoryErrorCode, message: string, ctx: OperationContext, cause: unknown): DirectoryError {
  return new DirectoryError(code, message, ctx.dn, { cause });
}

/**
 * Turn whatever ldapts or the socket threw into a DirectoryError. A DirectoryError passes through.
 * Messages name the object and the next step; they never contain a password.
 */
export function toDirectoryError(err: unknown, ctx: OperationContext): DirectoryError {
  if (err instanceof DirectoryError) return err;
  const on = ctx.dn ? ` (${ctx.dn})` : '';
  if (err instanceof ResultCodeError) {
    const detail = err.message.replace(/\s+/g, ' ').trim();
    const w32 = win32Code(detail);
    if (w32 === '0000052D') {
      return make(
        'constraint-violation',
        `${ctx.action} failed${on}: the password does not satisfy the domain's password policy (length, complexity or history). Use a longer, more complex password. [${detail}]`,
        ctx,
        err,
      );
    }
    switch (err.code) {
      case 49:
        // Never reached for a bind: connect() words that case itself.
        return make('invalid-credentials', `${ctx.action} failed${on}: invalid credentials. [${detail}]`, ctx, err);
      case 50:
        return make(
          'insufficient-rights',
          `${ctx.action} failed${on}: the bind account lacks the right to do this${ctx.right ? `; it needs: ${ctx.right}` : ''}. See docs/active-directory.md, "Required rights". [${detail}]`,
          ctx,
          err,
        );
      case 32:
        return make(
          'no-such-object',
          `${ctx.action} failed: ${ctx.dn ?? 'the object'} does not exist (it may have been moved, renamed or deleted since it was read). [${detail}]`,
          ctx,
          err,
        );
      case 68:
        return make('already-exists', `${ctx.action} failed: ${ctx.dn ?? 'the object'} already exists. [${detail}]`, ctx, err);
      case 19:
      case 20:
      case 21:
      case 65:
      case 67:
        return make('constraint-violation', `${ctx.action} failed${on}: the directory refused the values. [${detail}]`, ctx, err);
      case 8:
      case 13:
        return make(
          'tls',
          `${ctx.action} failed${on}: the DC requires an encrypted connection; use an ldaps:// URL or startTls. [${detail}]`,
          ctx,
          err,
        );
      case 51:
      case 52:
        return make('unavailable', `${ctx.action} failed${on}: the DC is busy or unavailable; retry later. [${detail}]`, ctx, err);
      case 53:
        return make('other', `${ctx.action} failed${on}: the DC is unwilling to perform it. [${detail}]`, ctx, err);
      default:
        return make('other', `${ctx.action} failed${on}: LDAP result ${err.code}. [${detail}]`, ctx, err);
    }
  }
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const message = err instanceof Error ? err.message : String(err);
  if ((e?.code && TLS_CODES.has(e.code)) || /certificate|TLS|SSL/i.test(message)) {
    return make(
      'tls',
      `${ctx.action} failed${on}: TLS error (${e?.code ?? 'handshake'}): ${message}. Give the DC's CA certificate (caFile / --ad-ca-file) and use a host name that is in the certificate.`,
      ctx,
      err,
    );
  }
  if ((e?.code && NETWORK_CODES.has(e.code)) || /timeout|timed out|closed/i.test(message)) {
    return make('unavailable', `${ctx.action} failed${on}: cannot reach the DC (${e?.code ?? message}). Check the URL, port and firewall.`, ctx, err);
  }
  return make('other', `${ctx.action} failed${on}: ${message}`, ctx, err);
}
