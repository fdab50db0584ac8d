import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { describe, expect, it } from 'vitest';
import {
  CredentialConfigError,
  StaticTokenCredential,
  authProviderFor,
  buildCredential,
  defaultAuthorityHost,
  graphScopes,
} from '../../../src/graph/credentials.js';

// Constructing credentials only: none of these tests asks Azure for a token.
const TENANT = '6f1c2d9e-0000-4000-8000-000000000001';
const CLIENT = '11111111-2222-4333-8444-555555555555';

describe('buildCredential', () => {
  it('default → DefaultAzureCredential (with or without a client id and tenant)', () => {
    expect(buildCredential({ method: 'default', env: {} })).toBeInstanceOf(DefaultAzureCredential);
    expect(buildCredential({ method: 'default', tenantId: TENANT, clientId: CLIENT, endpoint: 'https://graph.microsoft.us', env: {} })).toBeInstanceOf(
      DefaultAzureCredential,
    );
  });

  it('secret → ClientSecretCredential with the secret read from the named variable', () => {
    const c = buildCredential({ method: 'secret', tenantId: TENANT, clientId: CLIENT, clientSecretEnv: 'MY_SECRET', env: { MY_SECRET: 's3cr3t-value' } });
    expect(c).toBeInstanceOf(ClientSecretCredential);
  });

  it('secret with the variable unset names the variable, never a value', () => {
    const build = () => buildCredential({ method: 'secret', tenantId: TENANT, clientId: CLIENT, clientSecretEnv: 'MY_SECRET', env: {} });
    expect(build).toThrow(CredentialConfigError);
    expect(build).toThrow('the environment variable MY_SECRET (named by --client-secret-env) is not set or empty');
  });

  it('secret without --client-id says which option is missing', () => {
    expect(() => buildCredential({ method: 'secret', tenantId: TENANT, clientSecretEnv: 'X', env: { X: 'y' } })).toThrow('--auth secret needs --client-id');
  });

  it('certificate → ClientCertificateCredential from a PEM path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-cert-'));
    const pem = join(dir, 'app.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(buildCredential({ method: 'certificate', tenantId: TENANT, clientId: CLIENT, certificateFile: pem, env: {} })).toBeInstanceOf(
      ClientCertificateCredential,
    );
  });

  it('workload-identity → WorkloadIdentityCredential with the federated token file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-oidc-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'eyJhbGciOi.fake.jwt');
    expect(
      buildCredential({ method: 'workload-identity', tenantId: TENANT, clientId: CLIENT, federatedTokenFile: file, env: {} }),
    ).toBeInstanceOf(WorkloadIdentityCredential);
    expect(() => buildCredential({ method: 'workload-identity', tenantId: TENANT, clientId: CLIENT, env: {} })).toThrow(
      '--auth workload-identity needs --federated-token-file',
    );
  });

  it('static-token → the token from the named variable, and it never shows when serialised', async () => {
    const c = buildCredential({ method: 'static-token', tokenEnv: 'LAB_TOKEN', env: { LAB_TOKEN: 'tok-123' } });
    expect(c).toBeInstanceOf(StaticTokenCredential);
    const t = await c.getToken('https://graph.microsoft.com/.default');
    expect(t?.token).toBe('tok-123');
    expect(JSON.stringify({ c })).not.toContain('tok-123');
    const provider = authProviderFor(c, 'http://127.0.0.1:1234');
    expect(await provider.getAccessToken()).toBe('tok-123');
  });
});

describe('scopes and authority hosts', () => {
  it('scope is the endpoint origin + /.default', () => {
    expect(graphScopes()).toEqual(['https://graph.microsoft.com/.default']);
    expect(graphScopes('https://graph.microsoft.us/')).toEqual(['https://graph.microsoft.us/.default']);
    expect(graphScopes('https://microsoftgraph.chinacloudapi.cn')).toEqual(['https://microsoftgraph.chinacloudapi.cn/.default']);
  });

  it('national clouds get their own authority host', () => {
    expect(defaultAuthorityHost('https://graph.microsoft.com')).toBe('https://login.microsoftonline.com');
    expect(defaultAuthorityHost('https://graph.microsoft.us')).toBe('https://login.microsoftonline.us');
    expect(defaultAuthorityHost('https://dod-graph.microsoft.us')).toBe('https://login.microsoftonline.us');
    expect(defaultAuthorityHost('https://microsoftgraph.chinacloudapi.cn')).toBe('https://login.chinacloudapi.cn');
  });
});
