/**
 * What each field of the template checks: the very rules, and sentences,
 * that pulumi:azureOidc:provision applies to the same inputs.
 */
import {
  checkEnvironmentReference,
  checkEscEnvironmentCreation,
  checkEscName,
  checkIacSubjectAllowed,
  checkKeyVaultName,
  checkKeyVaultSecretName,
  checkOrganizationAllowed,
  checkScopeAllowed,
  checkSubscriptionAllowed,
  isGuid,
  parseScope,
  ProvisioningOptions,
  resolveRequestedRole,
  RoleCatalogue,
  SubjectMode,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/** Rules that need nothing but the value. */
export const textRules = {
  escName: checkEscName,
  environmentReference: checkEnvironmentReference,
  keyVaultName: checkKeyVaultName,
  keyVaultSecretName: checkKeyVaultSecretName,
} as const;

export type TextRule = keyof typeof textRules;

export function organizationProblem(
  value: string,
  options: ProvisioningOptions,
): string | undefined {
  return (
    checkEscName(value) ?? checkOrganizationAllowed(options.guardrails, value)
  );
}

export function subscriptionProblem(
  value: string,
  options: ProvisioningOptions,
): string | undefined {
  if (!isGuid(value)) {
    return 'must be a subscription id (a GUID)';
  }
  return checkSubscriptionAllowed(options.guardrails, value);
}

/**
 * Every problem with the role assignments, each named by its position:
 * `2. role names 'Owner', a privileged role …`. Scopes are checked against
 * the subscription chosen on the same page.
 */
export function roleAssignmentProblems(
  rows: Array<{ role?: string; scope?: string }>,
  subscriptionId: string | undefined,
  options: ProvisioningOptions,
): string[] {
  const catalogue = new RoleCatalogue(options.roles);
  const subscription =
    subscriptionId && isGuid(subscriptionId) ? subscriptionId : undefined;
  return rows.flatMap((row, index) => {
    const problems: string[] = [];
    const resolved = resolveRequestedRole(
      options.guardrails,
      catalogue,
      row.role ?? '',
    );
    if (!row.role) {
      problems.push('role must be chosen');
    } else if ('problem' in resolved) {
      problems.push(`role ${resolved.problem}`);
    }
    if (subscription) {
      const parsed = parseScope(row.scope, subscription);
      const problem =
        'problem' in parsed
          ? parsed.problem
          : checkScopeAllowed(options.guardrails, parsed.scope);
      if (problem) problems.push(`scope ${problem}`);
    }
    return problems.map(problem => `${index + 1}. ${problem}`);
  });
}

/** Why the platform does not offer a choice, given the rest of the form; nothing when it does. */
export type PortalOptionRule = (
  options: ProvisioningOptions,
  formData: { subjectMode?: SubjectMode },
) => string | undefined;

/** Choices the platform may not offer, by the input they set. */
export const portalOptionRules: Record<
  'includeIacSubject' | 'createEscEnvironment',
  PortalOptionRule
> = {
  includeIacSubject: (options, formData) =>
    checkIacSubjectAllowed(
      options.guardrails,
      formData.subjectMode ?? 'environment',
    ),
  createEscEnvironment: options =>
    checkEscEnvironmentCreation(options.escEnvironmentsEnabled),
};

/** The rule of a template's `ui:options.option`; nothing for a name it does not know. */
export function portalOptionRule(
  option: unknown,
): PortalOptionRule | undefined {
  return Object.entries(portalOptionRules).find(
    ([name]) => name === option,
  )?.[1];
}
