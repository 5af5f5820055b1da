/**
 * How the module's parts are put together from its settings: the engine a
 * backend gets unless it brings its own, and the provisioning service.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { join } from 'node:path';
import { deployerReaders } from './azure/deployerReaders';
import { PulumiAzureOidcSettings } from './config';
import { workspaceSettings } from './config/workspaceSettings';
import { EnvironmentEngine } from './engine/engine';
import { AutomationApiEngine } from './engine/automation/automationEngine';
import { PulumiCli } from './engine/automation/pulumiCli';
import { Workspaces } from './engine/automation/workspace';
import { createPreviewRunner } from './engine/preview/previewRunner';
import type { Knex } from 'knex';
import { EnvironmentLocks } from './coordination/environmentLocks';
import { HttpClient } from './http/httpClient';
import { EnvironmentProvisioner } from './provisioning/environmentProvisioner';
import { Stewardship } from './provisioning/stewardship';
import { EscEnvironments } from './pulumiCloud/escEnvironments';
import { PulumiCloudEscEnvironments } from './pulumiCloud/pulumiCloudEscEnvironments';
import { TrustVerifier } from './lifecycle/trustVerifier';
import { SecretRedactor } from './secrets';

/** What an engine may use: the settings, the redactor, a logger, the HTTP client. */
export interface EngineContext {
  settings: PulumiAzureOidcSettings;
  redactor: SecretRedactor;
  logger: LoggerService;
  http: HttpClient;
}

/**
 * The Pulumi Automation API on the backend's host, with the CLI found or
 * installed as configured, dry runs in worker threads, and recovery reading
 * Graph and ARM as the deployer.
 */
export function automationApiEngine(context: EngineContext): EnvironmentEngine {
  const { settings, logger, redactor, http } = context;
  return new AutomationApiEngine({
    workspaces: new Workspaces({
      settings: workspaceSettings(settings),
      cli: new PulumiCli({
        ...settings.cli,
        installRoot: join(settings.dataDirectory, 'pulumi-cli'),
        logger,
      }),
      redactor,
      logger,
    }),
    previews: createPreviewRunner({
      ...settings.preview,
      onWorkerError: error =>
        logger.warn(
          `A dry-run worker thread failed and was replaced: ${error}`,
        ),
    }),
    redactor,
    tenantId: settings.azure.tenantId,
    recovery: deployerReaders({
      azure: settings.azure,
      http,
      onToken: token => redactor.add(token),
    }),
  });
}

/** What the services share; Pulumi Cloud's ESC API comes from the settings unless given. */
export interface ServiceParts {
  engine: EnvironmentEngine;
  stewardship: Stewardship;
  redactor: SecretRedactor;
  http: HttpClient;
  /** Instead of Pulumi Cloud's, when a token is configured. */
  escEnvironments?: EscEnvironments;
  /** One change per environment at a time, across replicas. */
  locks?: EnvironmentLocks;
}

/** Pulumi Cloud's ESC API, when a token is configured. */
export function escEnvironmentsOf(
  settings: PulumiAzureOidcSettings,
  parts: Pick<ServiceParts, 'http' | 'escEnvironments'>,
): EscEnvironments | undefined {
  const { apiUrl, accessToken } = settings.pulumiCloud;
  if (accessToken === undefined) return undefined;
  return (
    parts.escEnvironments ??
    new PulumiCloudEscEnvironments({ apiUrl, accessToken, http: parts.http })
  );
}

/**
 * The provisioning service over an engine, with the settings' guardrails
 * and, when a token is configured, Pulumi Cloud's ESC API.
 */
export function environmentProvisioner(
  settings: PulumiAzureOidcSettings,
  parts: ServiceParts,
): EnvironmentProvisioner {
  const { pulumiCloud, azure } = settings;
  return new EnvironmentProvisioner({
    ...parts,
    consoleUrl: pulumiCloud.consoleUrl,
    escEnvironments: escEnvironmentsOf(settings, parts),
    teams: pulumiCloud.teams,
    compareWithStack: settings.preview.compareWithStack,
    planContext: {
      defaultOrganization: pulumiCloud.organization,
      defaultSubscriptionId: azure.defaultSubscriptionId,
      issuer: pulumiCloud.issuer,
      guardrails: settings.guardrails,
      roles: settings.roles,
      applicationOwners: azure.applicationOwners,
    },
  });
}

/** Leases on environments in the database the replicas share. */
export function environmentLocks(
  settings: PulumiAzureOidcSettings,
  db: Knex,
): EnvironmentLocks {
  return new EnvironmentLocks(db, {
    leaseMs: settings.locks.leaseSeconds * 1000,
    waitMs: settings.locks.waitSeconds * 1000,
    pollMs: 1000,
  });
}

/** Verification of trusts, reading role assignments as the deployer. */
export function trustVerifier(
  settings: PulumiAzureOidcSettings,
  parts: Omit<ServiceParts, 'stewardship'>,
): TrustVerifier {
  const { redactor, http } = parts;
  return new TrustVerifier({
    ...parts,
    escEnvironments: escEnvironmentsOf(settings, parts),
    resourceManager: deployerReaders({
      azure: settings.azure,
      http,
      onToken: token => redactor.add(token),
    }).resourceManager,
    issuer: settings.pulumiCloud.issuer,
    endpoints: settings.azure.endpoints,
    roles: settings.roles,
  });
}
