/**
 * The rule of each field a developer fills in, in one place: the plan
 * applies them to a request, the portal's form to what is being typed, so
 * that both refuse the same values with the same words.
 *
 * A rule reads the whole request, because some fields are checked against
 * others (scopes against the subscription, the IaC subject against the
 * subject mode), and names each problem by its field as the action and the
 * template spell it (`roleAssignments[1].scope`).
 */
import { armFoldCase } from './armNames';
import {
  checkEscEnvironmentCreation,
  checkOrganizationAllowed,
  checkScopeAllowed,
  checkSubscriptionAllowed,
  resolveRequestedRole,
} from './guardrails';
import {
  checkEscName,
  checkKeyVaultName,
  checkKeyVaultSecretName,
  checkSubscriptionId,
  fieldProblem,
  InputProblem,
} from './names';
import { formatEnvironmentRef } from './oidc';
import {
  FieldRuleContext,
  ProvisionRequest,
  requestedOrganization,
  requestedSubscription,
} from './request';
import { parseScope } from './scopes';
import { eachItem, FieldRule } from './fieldRule';
import {
  includeIacSubject,
  rootEnvironments,
  subjectAttributes,
  subjectMode,
} from './subjectFieldRules';

export type { FieldRule };

/** Entra display names hold 256 characters; ours add an 11-character prefix. */
export const ENVIRONMENT_REF_MAX_LENGTH = 200;

const organization: FieldRule = (request, context) => {
  const value = requestedOrganization(request, context);
  return fieldProblem(
    'organization',
    value === undefined
      ? 'must be given: this portal has no default organization (pulumiAzureOidc.pulumiCloud.organization)'
      : checkEscName(value) ??
          checkOrganizationAllowed(context.guardrails, value),
  );
};

const project: FieldRule = request =>
  fieldProblem('project', checkEscName(request.project ?? ''));

const environment: FieldRule = (request, context) => {
  const name = request.environment ?? '';
  const ref = formatEnvironmentRef({
    organization: requestedOrganization(request, context) ?? '',
    project: request.project ?? '',
    environment: name,
  });
  return fieldProblem(
    'environment',
    checkEscName(name) ??
      (ref.length > ENVIRONMENT_REF_MAX_LENGTH
        ? `must keep '${ref}' within ${ENVIRONMENT_REF_MAX_LENGTH} characters, so it fits an Entra display name`
        : undefined),
  );
};

function subscriptionProblem(
  value: string | undefined,
  context: FieldRuleContext,
): string | undefined {
  if (value === undefined) {
    return 'must be given: this portal has no default subscription (pulumiAzureOidc.azure.defaultSubscriptionId)';
  }
  return (
    checkSubscriptionId(value) ??
    checkSubscriptionAllowed(context.guardrails, value)
  );
}

const subscriptionId: FieldRule = (request, context) =>
  fieldProblem(
    'subscriptionId',
    subscriptionProblem(requestedSubscription(request, context), context),
  );

/**
 * Each role must be one developers may request; each scope must lie within
 * the allowed ones, checked once the subscription is valid; no role twice
 * at one scope.
 */
const roleAssignments: FieldRule = (request, context) => {
  const subscription = requestedSubscription(request, context);
  const validSubscription = !subscriptionProblem(subscription, context);
  const seen = new Map<string, number>();
  return (request.roleAssignments ?? []).flatMap((row, index) => {
    const field = `roleAssignments[${index}]`;
    const resolved = row.role
      ? resolveRequestedRole(context.guardrails, context.roles, row.role)
      : { problem: 'must name a role' };
    const problems = fieldProblem(
      `${field}.role`,
      'problem' in resolved ? resolved.problem : undefined,
    );
    if (!validSubscription) return problems;
    const parsed = parseScope(row.scope, subscription!);
    problems.push(
      ...fieldProblem(
        `${field}.scope`,
        'problem' in parsed
          ? parsed.problem
          : checkScopeAllowed(context.guardrails, parsed.scope),
      ),
    );
    if (problems.length > 0 || 'problem' in resolved || 'problem' in parsed) {
      return problems;
    }
    const key = `${resolved.role.id}@${armFoldCase(parsed.scope.id)}`;
    const earlier = seen.get(key);
    seen.set(key, earlier ?? index);
    return fieldProblem(
      field,
      earlier === undefined
        ? undefined
        : `repeats roleAssignments[${earlier}]: the same role at the same scope`,
    );
  });
};

const createEscEnvironment: FieldRule = (request, context) =>
  request.createEscEnvironment
    ? fieldProblem(
        'createEscEnvironment',
        checkEscEnvironmentCreation(context.escEnvironmentsEnabled),
      )
    : [];

const keyVaultName: FieldRule = request =>
  request.keyVault
    ? fieldProblem(
        'keyVault.name',
        checkKeyVaultName(request.keyVault.name ?? ''),
      )
    : [];

const keyVaultSecrets: FieldRule = request => {
  if (!request.keyVault) return [];
  const secrets = request.keyVault.secrets ?? [];
  return secrets.length === 0
    ? fieldProblem('keyVault.secrets', 'must list at least one secret name')
    : eachItem('keyVault.secrets', secrets, checkKeyVaultSecretName);
};

/** Every field's rule, by the field's name in the action and the template. */
export const FIELD_RULES = {
  organization,
  project,
  environment,
  subscriptionId,
  roleAssignments,
  subjectMode,
  subjectAttributes,
  rootEnvironments,
  includeIacSubject,
  createEscEnvironment,
  'keyVault.name': keyVaultName,
  'keyVault.secrets': keyVaultSecrets,
} as const satisfies Record<string, FieldRule>;

export type RequestField = keyof typeof FIELD_RULES;

/** Every problem with a request's fields, in the order of the fields. */
export function checkRequestFields(
  request: Partial<ProvisionRequest>,
  context: FieldRuleContext,
): InputProblem[] {
  return Object.values(FIELD_RULES).flatMap(rule => rule(request, context));
}
