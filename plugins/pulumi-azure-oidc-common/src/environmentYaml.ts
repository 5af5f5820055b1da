/**
 * The ESC environment definition that logs into Azure through OIDC.
 *
 * Built as a YAML document, never by string interpolation: names and ids are
 * data, whatever characters they hold.
 */
import { Document, parse } from 'yaml';
import { SubjectAttribute } from './oidc';

/** The first words of every definition the portal writes. */
export const MANAGED_BY_PORTAL = '# Managed by the portal';

export interface KeyVaultSecrets {
  /** The vault's name. */
  name: string;
  /** Secret names to read; each becomes a key under `azure.secrets`. */
  secrets: string[];
}

export interface EnvironmentDefinition {
  clientId: string;
  tenantId: string;
  subscriptionId: string;
  /** Listed in the login block in subjectAttributes mode. */
  subjectAttributes?: SubjectAttribute[];
  keyVault?: KeyVaultSecrets;
}

/**
 * Renders the environment YAML: the `fn::open::azure-login` block and the
 * `ARM_*` variables Azure tools and Pulumi's Azure providers read, plus an
 * optional `fn::open::azure-secrets` block for Key Vault secrets.
 */
export function renderEnvironmentYaml(
  definition: EnvironmentDefinition,
): string {
  const login: Record<string, unknown> = {
    clientId: definition.clientId,
    tenantId: definition.tenantId,
    // A bare GUID, as `pulumi env setup azure` writes it: it flows into
    // ARM_SUBSCRIPTION_ID, which Azure's providers expect without the
    // `/subscriptions/` prefix some examples show.
    subscriptionId: definition.subscriptionId,
    oidc: true,
  };
  if (definition.subjectAttributes?.length) {
    login.subjectAttributes = definition.subjectAttributes;
  }

  const azure: Record<string, unknown> = {
    login: { 'fn::open::azure-login': login },
  };
  if (definition.keyVault) {
    azure.secrets = {
      'fn::open::azure-secrets': {
        login: '${azure.login}',
        vault: definition.keyVault.name,
        get: Object.fromEntries(
          definition.keyVault.secrets.map(secret => [secret, { name: secret }]),
        ),
      },
    };
  }

  const document = new Document({
    values: {
      azure,
      environmentVariables: {
        ARM_USE_OIDC: 'true',
        ARM_CLIENT_ID: '${azure.login.clientId}',
        ARM_TENANT_ID: '${azure.login.tenantId}',
        ARM_OIDC_TOKEN: '${azure.login.oidc.token}',
        ARM_SUBSCRIPTION_ID: '${azure.login.subscriptionId}',
      },
    },
  });
  document.commentBefore =
    ` ${MANAGED_BY_PORTAL.slice(
      2,
    )}: the next run of its template overwrites edits here.\n` +
    ' Add your own values in an environment that imports this one.';
  return document.toString();
}

/**
 * Whether a definition could be the portal's to write over: one it wrote,
 * one someone handed over by adding its first line, or an empty one (left
 * by a run that created the environment but could not write it). Necessary,
 * not sufficient: the marker can be typed by anyone and `esc env init`
 * leaves an empty definition, so the caller also needs the portal's own
 * record of the environment, or an administrator's say-so.
 */
export function portalMayOverwrite(yaml: string): boolean {
  const text = yaml.trimStart();
  return text === '' || text.startsWith(MANAGED_BY_PORTAL);
}

/** Whether the portal wrote a definition: it begins with the portal's first line. */
export function portalWrote(yaml: string): boolean {
  return yaml.trimStart().startsWith(MANAGED_BY_PORTAL);
}

/** What a definition's `azure.login` block logs in as. */
export interface AzureLoginBlock {
  clientId?: unknown;
  tenantId?: unknown;
  subscriptionId?: unknown;
}

/**
 * The `fn::open::azure-login` block at `values.azure.login`, where the
 * portal renders it; undefined when the definition has none there or is
 * not YAML.
 */
export function readLoginBlock(yaml: string): AzureLoginBlock | undefined {
  try {
    const block = parse(yaml)?.values?.azure?.login?.['fn::open::azure-login'];
    return block && typeof block === 'object' ? block : undefined;
  } catch {
    return undefined;
  }
}
