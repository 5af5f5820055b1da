/**
 * The platform team's limits on what developers may ask for: which
 * subscriptions, which roles, and where.
 */
import {
  armIdIsWithin,
  armNamesEqual,
  describeCharacter,
  lookalikeCharacters,
} from './armNames';
import { SubjectMode } from './oidc';
import { RoleCatalogue, RoleDefinition } from './roles';
import { AzureScope, canonicalScopePrefix } from './scopes';

export interface AllowedSubscription {
  id: string;
  /** Shown in the portal next to the id. */
  name?: string;
}

export interface Guardrails {
  /**
   * Pulumi organizations whose environments may be trusted. The audience and
   * subject name the organization, so trusting another one would hand Azure
   * access to whoever runs it. None: nothing is allowed.
   */
  allowedOrganizations: string[];
  /** Subscriptions environments may get access to. None: nothing is allowed. */
  allowedSubscriptions: AllowedSubscription[];
  /**
   * Roles (names or GUIDs) developers may request. None: nothing is
   * allowed; the platform lists each role, so that a new catalogue entry
   * never becomes requestable by default.
   */
  allowedRoles: string[];
  /** Privileged roles (names or GUIDs) the platform team allows explicitly. */
  allowedPrivilegedRoles: string[];
  /** Scopes role assignments must lie within. Unset: anywhere in an allowed subscription. */
  allowedScopePrefixes?: string[];
  /**
   * Whether a role may be granted on a whole subscription. Off by default:
   * Contributor there reaches every resource group, present and future.
   */
  allowSubscriptionScope: boolean;
  /**
   * Whether the `<yaml>` subject of IaC stacks may be trusted. Every stack of
   * the organization presents that same subject, whatever environment it
   * imports, so trusting it trusts the whole organization.
   */
  allowIacSubject: boolean;
}

export function checkOrganizationAllowed(
  guardrails: Guardrails,
  organization: string,
): string | undefined {
  if (guardrails.allowedOrganizations.length === 0) {
    return 'cannot be used: this portal allows no Pulumi organization yet (pulumiAzureOidc.guardrails.allowedOrganizations)';
  }
  if (!guardrails.allowedOrganizations.includes(organization)) {
    return `must be one of the Pulumi organizations this portal allows: ${guardrails.allowedOrganizations.join(
      ', ',
    )}`;
  }
  return undefined;
}

export function checkSubscriptionAllowed(
  guardrails: Guardrails,
  subscriptionId: string,
): string | undefined {
  if (guardrails.allowedSubscriptions.length === 0) {
    return 'cannot be used: this portal allows no subscription yet (pulumiAzureOidc.guardrails.allowedSubscriptions)';
  }
  const allowed = guardrails.allowedSubscriptions.some(s =>
    armNamesEqual(s.id, subscriptionId),
  );
  if (!allowed) {
    return `must be one of the subscriptions this portal allows: ${guardrails.allowedSubscriptions
      .map(describeSubscription)
      .join(', ')}`;
  }
  return undefined;
}

function describeSubscription(subscription: AllowedSubscription): string {
  return subscription.name
    ? `${subscription.id} (${subscription.name})`
    : subscription.id;
}

/** The roles developers may request, for pickers and messages. */
export function requestableRoles(
  guardrails: Guardrails,
  catalogue: RoleCatalogue,
): RoleDefinition[] {
  return catalogue
    .list()
    .filter(role => isRoleAllowed(guardrails, catalogue, role));
}

function isRoleAllowed(
  guardrails: Guardrails,
  catalogue: RoleCatalogue,
  role: RoleDefinition,
): boolean {
  const listed = (names: string[]) =>
    names.some(name => catalogue.find(name)?.id === role.id);
  return listed(
    role.privileged
      ? guardrails.allowedPrivilegedRoles
      : guardrails.allowedRoles,
  );
}

/** Resolves a requested role (name or GUID) against the catalogue and the guardrails. */
export function resolveRequestedRole(
  guardrails: Guardrails,
  catalogue: RoleCatalogue,
  requested: string,
): { role: RoleDefinition } | { problem: string } {
  const role = catalogue.find(requested);
  const requestable = requestableRoles(guardrails, catalogue);
  if (requestable.length === 0) {
    return {
      problem:
        'cannot be granted: this portal allows no role yet (pulumiAzureOidc.guardrails.allowedRoles)',
    };
  }
  const allowedNames = requestable.map(r => r.name).join(', ');
  if (!role) {
    return {
      problem: `names '${requested}', which is not a role this portal knows; it allows ${allowedNames}`,
    };
  }
  if (isRoleAllowed(guardrails, catalogue, role)) {
    return { role };
  }
  if (role.privileged) {
    return {
      problem: `names '${role.name}', a privileged role (it can grant access to others) that this portal does not allow; it allows ${allowedNames}`,
    };
  }
  return {
    problem: `names '${role.name}', which this portal does not allow; it allows ${allowedNames}`,
  };
}

export function checkScopeAllowed(
  guardrails: Guardrails,
  scope: AzureScope,
): string | undefined {
  if (scope.kind === 'subscription' && !guardrails.allowSubscriptionScope) {
    return 'cannot be the whole subscription: this portal grants roles on resource groups and resources only (pulumiAzureOidc.guardrails.allowSubscriptionScope); name a resource group';
  }
  const prefixes = guardrails.allowedScopePrefixes;
  if (!prefixes) return undefined;
  const within = prefixes.some(prefix => {
    const canonical = canonicalScopePrefix(prefix);
    return 'prefix' in canonical && armIdIsWithin(scope.id, canonical.prefix);
  });
  if (within) return undefined;
  const lookalikes = lookalikeCharacters(scope.id).map(describeCharacter);
  return `must lie within one of the scopes this portal allows: ${prefixes.join(
    ', ',
  )}${
    lookalikes.length > 0
      ? `; it contains ${lookalikes.join(
          ', ',
        )}, which Azure does not take for the ASCII letter it resembles`
      : ''
  }`;
}

/** Whether IaC stacks may be trusted for an environment with this subject mode. */
export function checkIacSubjectAllowed(
  guardrails: Guardrails,
  subjectMode: SubjectMode,
): string | undefined {
  if (!guardrails.allowIacSubject) {
    return 'cannot be used: every IaC stack of the organization presents the <yaml> subject, so this portal does not trust it (pulumiAzureOidc.guardrails.allowIacSubject)';
  }
  if (subjectMode !== 'environment') {
    return "only applies when subjectMode is 'environment': with subjectAttributes, tokens never carry the <yaml> subject, so the credential would only trust other environments";
  }
  return undefined;
}

/** Whether this portal can create environments in Pulumi Cloud. */
export function checkEscEnvironmentCreation(
  escEnvironmentsEnabled: boolean,
): string | undefined {
  return escEnvironmentsEnabled
    ? undefined
    : 'cannot be used: this portal has no Pulumi Cloud access token (pulumiAzureOidc.pulumiCloud.accessToken); create the environment from the returned YAML instead';
}
