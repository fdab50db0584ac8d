import { isScalar, visit } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import type { YamlSource } from './yaml-source.js';

/** Keys that would hold a password: `password`, `bindPassword` (any case). */
export function isSecretKey(key: string): boolean {
  return /^(bind)?password$/i.test(key);
}

/**
 * `secret-in-manifest` for every password key anywhere in the document, at the key. The value is
 * never read into the message.
 */
export function secretDiagnostics(source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(source.doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isSecretKey(String(pair.key.value))) return;
      const p = source.lineCounter.linePos(pair.key.range?.[0] ?? 0);
      out.push({
        severity: 'error',
        code: 'secret-in-manifest',
        message:
          `"${String(pair.key.value)}": passwords must not be written in the manifest (it is read by people, tools and version control). ` +
          'Put the password in an environment variable, name that variable in activeDirectory.connection.bindPasswordEnv ' +
          '(for example bindPasswordEnv: ENTRA_SOA_AD_PASSWORD), and change the password if this file was shared.',
        location: { file: source.file, line: p.line, col: p.col },
      });
    },
  });
  return out;
}
