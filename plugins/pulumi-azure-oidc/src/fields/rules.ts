/**
 * What the form says about a field: the common package's rule for the
 * request field it sets, applied to the form's answers, with the words
 * pulumi:azureOidc:provision uses; items are named by their position.
 */
import {
  FIELD_RULES,
  FieldRuleContext,
  InputProblem,
  ProvisioningOptions,
  ProvisionRequest,
  RequestField,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/** What the rules know of the portal, from the options it serves. */
export function ruleContext(options: ProvisioningOptions): FieldRuleContext {
  return {
    defaultOrganization: options.organization,
    defaultSubscriptionId: options.defaultSubscriptionId,
    guardrails: options.guardrails,
    roles: new RoleCatalogue(options.roles),
    escEnvironmentsEnabled: options.escEnvironmentsEnabled,
  };
}

/** The form's answers as a request, with `value` where `field` puts it. */
export function withAnswer(
  answers: object,
  field: RequestField,
  value: unknown,
): Partial<ProvisionRequest> {
  const [head, tail] = field.split('.');
  if (!tail) return { ...answers, [head]: value };
  const parent = (answers as Record<string, object | undefined>)[head];
  return { ...answers, [head]: { ...parent, [tail]: value } };
}

/** Every problem the field's rule finds in the answers, as the form shows it. */
export function fieldProblems(
  field: RequestField,
  answers: Partial<ProvisionRequest>,
  options: ProvisioningOptions,
): string[] {
  return FIELD_RULES[field](answers, ruleContext(options)).map(problem =>
    inFormWords(field, problem),
  );
}

/** `roleAssignments[1].role must …` below the role assignments: `2. role must …`. */
export function inFormWords(field: string, problem: InputProblem): string {
  const item = /^\[(\d+)\](?:\.(\w+))?$/.exec(
    problem.field.slice(field.length),
  );
  if (!item) return problem.message;
  return `${Number(item[1]) + 1}. ${item[2] ? `${item[2]} ` : ''}${
    problem.message
  }`;
}

/** Choices the platform may not offer, by the input they set. */
export const PORTAL_OPTIONS = [
  'includeIacSubject',
  'createEscEnvironment',
] as const;
export type PortalOption = (typeof PORTAL_OPTIONS)[number];

/** The option a template's `ui:options.option` names; nothing for one it does not know. */
export function portalOption(option: unknown): PortalOption | undefined {
  return PORTAL_OPTIONS.find(known => known === option);
}

/** Why the platform does not offer a choice, given the rest of the form; nothing when it does. */
export function unavailableReason(
  option: PortalOption,
  answers: object,
  options: ProvisioningOptions,
): string | undefined {
  return fieldProblems(option, withAnswer(answers, option, true), options)[0];
}
