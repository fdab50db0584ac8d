import { escapeControlChars } from './escape-text.js';

/** A place in a source file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/**
 * An expected problem, as a value. `code` is stable (documented in the README) and is what
 * programs branch on; `message` is for people and names the object and the fix.
 */
export interface Diagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  /** Where in the manifest, when the problem comes from it. */
  location?: SourceLocation;
  /** A second place involved (e.g. the other of two conflicting rules). */
  related?: SourceLocation[];
  /** The identity / object key the problem is about, when there is one. */
  objectKey?: string;
}

/**
 * `manifest.yaml:12:5: error CODE: message` — the one textual form every command prints. Control
 * characters in the file name, code and message (they may quote input) are escaped, so one
 * diagnostic is one line plus its `note` lines, whatever the input held.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const at = (l: SourceLocation): string => `${escapeControlChars(l.file)}:${l.line}:${l.col}`;
  const where = d.location ? `${at(d.location)}: ` : '';
  const related = (d.related ?? []).map((r) => `\n  ${at(r)}: note: see here`).join('');
  return `${where}${d.severity} ${escapeControlChars(d.code)}: ${escapeControlChars(d.message)}${related}`;
}
