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

/** `manifest.yaml:12:5: error CODE: message` — the one textual form every command prints. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : '';
  const related = (d.related ?? [])
    .map((r) => `\n  ${r.file}:${r.line}:${r.col}: note: see here`)
    .join('');
  return `${where}${d.severity} ${d.code}: ${d.message}${related}`;
}
