/**
 * Naming rules of Pulumi ESC, Azure Key Vault and Azure resource groups.
 *
 * Each check returns the broken rule as a sentence that completes the field's
 * name ("organization must …"), or `undefined` when the value is fine. The
 * same sentences are shown in the portal's form and in the action's errors.
 */

/** A broken rule on one input field, worded for the person who filled it. */
export interface InputProblem {
  /** The input field, as named in the action and the template (`roleAssignments[1].scope`). */
  field: string;
  /** What is wrong, completing the field name: "must …". */
  message: string;
}

/** The problem of one field, if it has one. */
export function fieldProblem(
  field: string,
  message: string | undefined,
): InputProblem[] {
  return message ? [{ field, message }] : [];
}

/** Formats problems as one line each: `field must …`. */
export function describeProblems(problems: InputProblem[]): string {
  return problems.map(p => `${p.field} ${p.message}`).join('\n');
}

/** The legacy ESC project that environments created before projects live in. */
export const DEFAULT_ESC_PROJECT = 'default';

/**
 * ESC allows letters, digits, hyphens, underscores and periods. We also ask
 * for a leading letter or digit, so that names such as `.` or `..` are never
 * produced, and keep names short enough for Entra display names.
 */
const ESC_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const ESC_NAME_MAX_LENGTH = 100;

/** Checks an ESC organization, project or environment name. */
export function checkEscName(value: string): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  if (value.length > ESC_NAME_MAX_LENGTH) {
    return `must be at most ${ESC_NAME_MAX_LENGTH} characters long`;
  }
  if (!ESC_NAME_PATTERN.test(value)) {
    return "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'";
  }
  return undefined;
}

/**
 * Checks an ESC environment reference `project/environment`, as written in
 * the imports of another environment.
 */
export function checkEnvironmentReference(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length !== 2) {
    return "must be written 'project/environment'";
  }
  const [project, environment] = parts;
  const problem = checkEscName(project) ?? checkEscName(environment);
  return (
    problem && `must be written 'project/environment', and each part ${problem}`
  );
}

/** Key Vault names: 3–24 letters, digits and single hyphens, starting with a letter. */
export function checkKeyVaultName(value: string): string | undefined {
  if (value.length < 3 || value.length > 24) {
    return 'must be 3 to 24 characters long';
  }
  if (
    !/^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/.test(value) ||
    value.includes('--')
  ) {
    return 'must start with a letter, end with a letter or digit, and contain only letters, digits and single hyphens';
  }
  return undefined;
}

/** Key Vault secret names: 1–127 letters, digits and hyphens. */
export function checkKeyVaultSecretName(value: string): string | undefined {
  if (!/^[A-Za-z0-9-]{1,127}$/.test(value)) {
    return 'must be 1 to 127 letters, digits and hyphens';
  }
  return undefined;
}

/**
 * Resource group names: 1–90 letters, digits, underscores, hyphens, periods
 * and parentheses, not ending with a period.
 */
export function checkResourceGroupName(value: string): string | undefined {
  if (value.length < 1 || value.length > 90) {
    return 'must be 1 to 90 characters long';
  }
  if (!/^[\p{L}\p{N}_().-]+$/u.test(value) || value.endsWith('.')) {
    return "must contain only letters, digits, '_', '-', '.', '(' and ')', and not end with '.'";
  }
  return undefined;
}

const GUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks an Azure subscription id. */
export function checkSubscriptionId(value: string): string | undefined {
  return isGuid(value) ? undefined : 'must be a subscription id (a GUID)';
}

/** Whether a value is a GUID such as an Azure subscription or role id. */
export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}
