import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Settings of the Pulumi ESC ⇄ Azure OIDC scaffolder actions;
   * `dataDirectory` and `localCatalog` are declared by the common package.
   */
  pulumiAzureOidc?: {
    /**
     * The golden path's administrators: full entity references
     * (`group:default/platform-team`, `user:default/ada`) of the users and
     * groups who act for every owner: they may choose any owner and change
     * any environment. Everyone else acts only for themselves and the groups
     * they belong to. The portal's own `portal.admins` governs the catalog;
     * list the platform team in both.
     */
    administrators?: string[];

    /**
     * The repository `pulumi:azureOidc:publish` puts entity files in: a pull
     * request on GitHub, a push on Azure DevOps, with the credentials of the
     * portal's integration for its host. Unset: the local catalog directory.
     */
    catalogRepository?: {
      /**
       * `https://github.com/<owner>/<repo>` or
       * `https://dev.azure.com/<organization>/<project>/_git/<repo>`, on a
       * host of `integrations.github` or `integrations.azure`.
       */
      url: string;
      /** The branch the catalog reads. Default: `main`. */
      branch?: string;
      /** Directory for entity files; each gets `<path>/<entity name>/`. Default: `esc-environments`. */
      path?: string;
    };

    /**
     * How many backend replicas share the database and run tasks. Above 1,
     * Pulumi state must be remote (`https://`, `azblob://`, `s3://`,
     * `gs://`): `file://` state lies on one replica's disk. Default: 1.
     */
    replicas?: number;

    /** One change per environment at a time, across replicas. */
    locks?: {
      /** How long a task waits for another change of its environment before it fails. Default: 600. */
      waitSeconds?: number;
      /** How long a lease outlives a replica that stopped renewing it. Default: 60. */
      leaseSeconds?: number;
    };

    pulumiCloud?: {
      /** Organization of new ESC environments when the template does not name one. */
      organization?: string;
      /**
       * Pulumi Cloud's API. Self-hosted installations set their own; the OIDC
       * issuer Entra trusts is derived from it as `<origin>/oidc`.
       * Default: `https://api.pulumi.com`.
       */
      apiUrl?: string;
      /** Pulumi Cloud's console, for links. Default: `https://app.pulumi.com`. */
      consoleUrl?: string;
      /**
       * Access token that creates and updates ESC environments, and reads and
       * writes Pulumi Cloud state when `state.backendUrl` points at Pulumi
       * Cloud. Without it, `createEscEnvironment` is refused.
       * @visibility secret
       */
      accessToken?: string;
      /**
       * Pulumi Cloud teams of the owners' groups. After provisioning writes an
       * ESC environment owned by a listed group, the portal grants that team
       * `open` on it (never more). A list rather than a map, since config
       * keys cannot hold the ':' and '/' of an entity reference. Needs
       * `accessToken`, allowed to administer the teams, and a Pulumi Cloud
       * edition with teams (Enterprise or Business Critical). Default: none,
       * and nothing is granted.
       */
      teams?: Array<{
        /** The owning group, e.g. `group:default/payments-team`; each group once. */
        group: string;
        /** The team's name in Pulumi Cloud (not its display name). */
        team: string;
      }>;
    };

    azure?: {
      /** The Entra tenant. Required by clientSecret and workloadIdentity credentials. */
      tenantId?: string;
      /** Subscription of new environments when the template does not name one. */
      defaultSubscriptionId?: string;
      /**
       * Object ids of users or service principals that co-own every Entra
       * application and service principal the portal creates, besides the
       * deploying principal, which always stays an owner. Adding owners
       * other than itself needs Application.ReadWrite.All.
       */
      applicationOwners?: string[];
      /**
       * Endpoints the module calls itself, to find objects a run that died
       * half-way left behind and to verify trusts. Default: Azure's public
       * cloud. For a sovereign cloud, also set ARM_ENVIRONMENT for the Pulumi
       * providers.
       */
      endpoints?: {
        /** Microsoft Entra ID. Default: `https://login.microsoftonline.com`. */
        login?: string;
        /** Microsoft Graph. Default: `https://graph.microsoft.com`. */
        graph?: string;
        /** Azure Resource Manager. Default: `https://management.azure.com`. */
        resourceManager?: string;
        /** The instance metadata service (managed identity). Default: `http://169.254.169.254`. */
        managedIdentity?: string;
      };
      /**
       * How the Pulumi engine, and the module's own calls to Graph and ARM,
       * authenticate to Azure and Entra. The identity must be allowed to
       * create applications (Application.ReadWrite.OwnedBy or Application
       * Developer) and to assign roles at the allowed scopes.
       * Default: `azureCli`, the ambient `az login` of local development.
       */
      credentials?: {
        /** `azureCli`, `clientSecret`, `workloadIdentity` or `managedIdentity`. */
        type?: string;
        /** Client id (clientSecret, workloadIdentity; user-assigned managedIdentity). */
        clientId?: string;
        /**
         * Client secret (clientSecret).
         * @visibility secret
         */
        clientSecret?: string;
        /**
         * File holding the federated token (workloadIdentity). On AKS, write
         * `${AZURE_FEDERATED_TOKEN_FILE}`, which workload identity sets.
         */
        tokenFilePath?: string;
      };
    };

    guardrails?: {
      /**
       * Pulumi organizations whose environments may be trusted. Tokens name
       * the organization, so trusting one outside the company would give
       * whoever runs it the requested Azure access. Must include
       * `pulumiCloud.organization`.
       * Default: `pulumiCloud.organization` alone; none when that is unset.
       */
      allowedOrganizations?: string[];
      /** Subscriptions environments may get roles in. None: every request is refused. */
      allowedSubscriptions?: Array<{
        /** Subscription id. */
        id: string;
        /** Shown in messages next to the id. */
        name?: string;
      }>;
      /**
       * Roles added to the built-in catalogue (Reader, Contributor, Key Vault
       * Secrets User, and the privileged Owner, User Access Administrator and
       * Role Based Access Control Administrator). A role with a built-in's
       * GUID replaces it.
       */
      roles?: Array<{
        name: string;
        /** Role definition GUID. */
        id: string;
        /**
         * Whether the role can grant access to others (for example holds
         * `Microsoft.Authorization/roleAssignments/write`). Required: a
         * privileged role must never become requestable by omission.
         */
        privileged: boolean;
      }>;
      /** Roles (names or GUIDs) developers may request. Default: none; every role is listed. */
      allowedRoles?: string[];
      /** Privileged roles (names or GUIDs) developers may request. Default: none. */
      allowedPrivilegedRoles?: string[];
      /**
       * Resource ids role assignments must lie at or under, e.g.
       * `/subscriptions/<id>/resourceGroups/rg-apps`. Default: anywhere in an
       * allowed subscription.
       */
      allowedScopePrefixes?: string[];
      /**
       * Allow roles on a whole subscription (scope `subscription`).
       * Default: false: resource groups and resources only.
       */
      allowSubscriptionScope?: boolean;
      /**
       * Allow `includeIacSubject`: a credential for the `<yaml>` subject that
       * Pulumi IaC stacks present when they import an environment. Every
       * stack of the organization presents that same subject, whatever it
       * imports, so it trusts the whole organization. Default: false.
       */
      allowIacSubject?: boolean;
    };

    state?: {
      /**
       * Pulumi state backend: Pulumi Cloud (`https://api.pulumi.com`, uses
       * `pulumiCloud.accessToken`) or a DIY backend (`file://`, `azblob://`,
       * `s3://`, `gs://`). Default: `file://<dataDirectory>/state`.
       */
      backendUrl?: string;
      /**
       * Passphrase of the passphrase secrets provider on DIY backends.
       * Required for azblob://, s3:// and gs:// unless `secretsProvider` is
       * set; generated and kept in the data directory for local file state.
       * @visibility secret
       */
      passphrase?: string;
      /** A secrets provider URL, e.g. `azurekeyvault://…`, instead of the passphrase. */
      secretsProvider?: string;
      /** Pulumi Cloud organization holding the stacks. Default: each environment's own. */
      organization?: string;
      /**
       * `azblob://` state: the storage account (or `?storage_account=` in
       * the URL), and its access key. Without a key, the state backend signs
       * in as `azure.credentials` and needs Storage Blob Data Contributor.
       */
      azureStorage?: {
        account?: string;
        /** @visibility secret */
        key?: string;
      };
    };

    network?: {
      /**
       * Seconds each call the module makes itself (Pulumi Cloud's API) may
       * take before it is given up. Default: 30.
       */
      timeoutSeconds?: number;
      /**
       * Further attempts of a read that could not connect or got 429 or 5xx,
       * with backoff and honouring Retry-After. Writes are sent once.
       * Default: 3.
       */
      retries?: number;
    };

    preview?: {
      /**
       * Worker threads that run dry runs (the program under Pulumi's mocks),
       * started on the first dry run and kept warm. 0 runs dry runs one
       * after another on the backend's main thread. Default: 1.
       */
      workers?: number;
      /**
       * Dry runs of an existing environment read its stack (through the
       * CLI and the state backend) to show what an update would change,
       * instead of what a first run would create. Default: false.
       */
      compareWithStack?: boolean;
    };

    lifecycle?: {
      /** Verify and drift results kept per environment and kind. Default: 20. */
      keepResults?: number;
      drift?: {
        /**
         * When drift rounds run, as Backstage's scheduler reads a schedule
         * (`frequency`, `timeout`, `initialDelay`), e.g.
         * `{ frequency: { hours: 6 }, timeout: { hours: 2 } }`. One replica
         * at a time runs a round. Default: none, no drift checks.
         */
        schedule?: {
          frequency: { cron: string } | HumanDuration | string;
          timeout: HumanDuration | string;
          initialDelay?: HumanDuration | string;
        };
        /**
         * Environments checked at once; each check of a real stack starts
         * the Pulumi CLI and its providers. Default: 2.
         */
        concurrency?: number;
      };
    };

    cli?: {
      /** A Pulumi CLI installation: the directory holding `bin/pulumi`. Default: `pulumi` on PATH. */
      root?: string;
      /**
       * Install the CLI into `<dataDirectory>/pulumi-cli` on first use when
       * none is found, from Pulumi's release archive, only if its SHA-256 is
       * the one committed in the module (`cliChecksums.ts`). An installation
       * there that differs from what was installed is refused. Default: false.
       */
      autoInstall?: boolean;
      /**
       * The version to install, such as `3.276.0`; with `autoInstall`, one
       * whose checksums are committed. Default: the bundled Pulumi SDK's
       * version if it has checksums, else the newest that has.
       */
      version?: string;
    };
  };
}
