/**
 * The deployment files agree with the production configuration: what the
 * Helm values and the image provide is what app-config.production.yaml
 * reads. The image cannot be built and the chart cannot be rendered here
 * (no registry is reachable), so this is as far as they are tested.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { backendDir } from './__testUtils__/portalBackend';

const repository = (path: string) =>
  readFileSync(resolve(backendDir, '../..', path), 'utf8');
const production = parse(repository('app-config.production.yaml'));
const values = parse(repository('deploy/helm/values.yaml'));
const dockerfile = repository('packages/backend/Dockerfile');

/** `${VARIABLE}`s the production configuration reads. */
const variables = [
  ...repository('app-config.production.yaml').matchAll(/\$\{(\w+)\}/g),
].map(match => match[1]);

describe('the deployment', () => {
  it('gives the backend every variable the production configuration reads', () => {
    const provided = new Set([
      ...values.backstage.extraEnvVars.map((v: { name: string }) => v.name),
      // From the Secret named in extraEnvVarsSecrets.
      'BACKEND_SECRET',
      'PULUMI_ACCESS_TOKEN',
      'POSTGRES_PASSWORD',
      // From AKS's workload identity webhook, for pods with its label.
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_FEDERATED_TOKEN_FILE',
    ]);
    expect(values.backstage.podLabels).toEqual({
      'azure.workload.identity/use': 'true',
    });
    expect(variables.filter(name => !provided.has(name))).toEqual([]);
  });

  it('runs as many replicas as the golden path is configured for, on remote state', () => {
    expect(values.backstage.replicas).toBe(production.pulumiAzureOidc.replicas);
    expect(production.pulumiAzureOidc.state.backendUrl).toMatch(/^https:\/\//);
  });

  it('mounts the data directory the configuration and the image use', () => {
    const { dataDirectory } = production.pulumiAzureOidc;
    expect(values.backstage.extraVolumeMounts).toContainEqual(
      expect.objectContaining({ mountPath: dataDirectory }),
    );
    expect(dockerfile).toContain(`VOLUME ${dataDirectory}`);
    expect(repository('packages/backend/deploy/entrypoint.sh')).toContain(
      `${dataDirectory}/pulumi-home/plugins`,
    );
  });

  it('starts the backend through the entrypoint, with the production configuration, probed on its health routes', () => {
    expect(values.backstage.command).toEqual([
      'portal-entrypoint',
      'node',
      'packages/backend',
    ]);
    expect(values.backstage.args).toEqual([
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ]);
    expect(dockerfile).toContain('ENTRYPOINT ["portal-entrypoint"]');
    expect(values.backstage.readinessProbe.httpGet).toEqual({
      path: '/.backstage/health/v1/readiness',
      port: 7007,
    });
    expect(values.backstage.livenessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/liveness',
    );
  });

  it('builds an image that runs unprivileged, with the CLI checked and nothing installed at run time', () => {
    expect(dockerfile).toMatch(/^FROM node:22-bookworm-slim AS build$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('sha256sum -c SHA256SUMS');
    expect(dockerfile).toContain('node pulumiPlugins.js yarn.lock');
    // The image's CLI is on PATH; the module installs none.
    expect(production.pulumiAzureOidc.cli.autoInstall).toBe(false);
  });
});
