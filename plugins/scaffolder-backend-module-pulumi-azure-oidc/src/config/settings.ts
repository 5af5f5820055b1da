import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import {
  Guardrails,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type { CatalogRepository } from './catalogRepository';
import type {
  AzureCredentials,
  AzureEndpoints,
} from '../azure/azureCredentials';

export type { AzureCredentials, AzureEndpoints };

/** The module's settings, read and checked once at start-up. */
export interface PulumiAzureOidcSettings {
  pulumiCloud: {
    organization?: string;
    apiUrl: string;
    consoleUrl: string;
    /** Present when environments may be created in Pulumi Cloud. */
    accessToken?: string;
    issuer: string;
    /**
     * Pulumi Cloud teams that get `open` on the environments the portal
     * writes for their group: group entity references, each once.
     */
    teams: Array<{ group: string; team: string }>;
  };
  azure: {
    tenantId?: string;
    defaultSubscriptionId?: string;
    credentials: AzureCredentials;
    /** Object ids that co-own every Entra application, besides the deployer. */
    applicationOwners: string[];
    /** Where the module calls Entra, Graph and ARM itself (recovery, verification). */
    endpoints: AzureEndpoints;
  };
  guardrails: Guardrails;
  roles: RoleCatalogue;
  /** Users and groups who may act for every owner (full entity references). */
  administrators: string[];
  state: {
    /** `https://…` for Pulumi Cloud, or a DIY backend (`file://`, `azblob://`, `s3://`, `gs://`). */
    backendUrl: string;
    /** Passphrase of the passphrase secrets provider; generated for local file state when unset. */
    passphrase?: string;
    /** A secrets provider URL; unset: Pulumi Cloud's, or the passphrase provider on DIY backends. */
    secretsProvider?: string;
    /** The Pulumi Cloud organization holding the stacks (Pulumi Cloud state only). */
    organization?: string;
    /** The storage account of `azblob://` state, and its key when not signing in with Entra. */
    azureStorage: { account?: string; key?: string };
  };
  cli: {
    /** A Pulumi CLI installation (the directory holding `bin/pulumi`). */
    root?: string;
    autoInstall: boolean;
    /** The version to install; unset: the one matching the bundled Pulumi SDK. */
    version?: string;
  };
  /** Calls the module makes itself (Pulumi Cloud, Entra, ARM). */
  network: {
    /** Per attempt. */
    timeoutSeconds: number;
    /** Further attempts of reads that failed to connect or got 429 or 5xx. */
    retries: number;
  };
  /** Dry runs. */
  preview: {
    /** Worker threads that run dry runs; 0 runs them in turn on the main thread. */
    workers: number;
    /** Dry runs read the environment's stack, to show what an update would change. */
    compareWithStack: boolean;
  };
  /** Verify and drift checks. */
  lifecycle: {
    /** Results kept per environment and kind of check. */
    keepResults: number;
    drift: {
      /** When drift rounds run; none when unset. */
      schedule?: SchedulerServiceTaskScheduleDefinition;
      /** Environments checked at once. */
      concurrency: number;
    };
  };
  /** Backend replicas sharing the database; above 1, state must be remote. */
  replicas: number;
  /** One change per environment at a time, across replicas. */
  locks: {
    /** How long a task waits for another change of its environment. */
    waitSeconds: number;
    /** How long a lease outlives a replica that stopped renewing it. */
    leaseSeconds: number;
  };
  /** Where entity files go; unset: the local catalog directory. */
  catalogRepository?: CatalogRepository;
  /** Where Pulumi's workspaces, plugins, local state and installed CLI live. */
  dataDirectory: string;
  /** Where environments' entity files go on portals without a git host. */
  localCatalogDirectory: string;
}

/** The module's key in the app config. */
export const CONFIG_KEY = 'pulumiAzureOidc';

/** A setting that breaks a rule: `pulumiAzureOidc.<key> <rule>`. */
export class ConfigProblem extends Error {
  name = 'ConfigProblem';
  constructor(key: string, rule: string) {
    // A rule may quote another's words after a colon.
    super(`${CONFIG_KEY}.${key}${rule.startsWith(':') ? '' : ' '}${rule}`);
  }
}
