// Types of scripts/secrets-scan.mjs, for its tests (test/secrets/scan.test.ts).
export interface PlantedLiteral {
  value: string;
  plantedIn: string;
}
export interface SecretsScanOptions {
  resultsDir: string;
  extraRoots?: string[];
  sambaPasswordFiles?: string[];
  literals?: PlantedLiteral[];
  env?: Record<string, string | undefined>;
  requireSamba?: boolean;
}
export interface SecretsScanReport {
  files: number;
  bytes: number;
  transcripts: number;
  cliRuns: number;
  allowedFiles: number;
  secretsFilesThisRun: number;
  planted: Record<string, number>;
  foundInAllowedPlaces: number;
  findings: { file: string; line: number; what: string }[];
  problems: string[];
  ok: boolean;
}
export function scanForSecrets(opts: SecretsScanOptions): SecretsScanReport;
export function reportLines(report: SecretsScanReport): string[];
export function secretForms(value: string): [string, string][];
