/**
 * A developer's request, and what it means where it leaves a field to the
 * portal or to the environment's last run.
 */
import { Guardrails } from './guardrails';
import {
  DEFAULT_SUBJECT_ATTRIBUTES,
  SubjectAttribute,
  SubjectMode,
} from './oidc';
import { RoleCatalogue } from './roles';

/** One role a developer asks for, where. */
export interface RoleAssignmentRequest {
  /** A role name from the catalogue, or its GUID. */
  role: string;
  /** `subscription` (default), a resource group name, or a resource id. */
  scope?: string;
}

/** What a developer asks for; the action's and the template's inputs. */
export interface ProvisionRequest {
  organization?: string;
  project: string;
  environment: string;
  subscriptionId?: string;
  roleAssignments?: RoleAssignmentRequest[];
  subjectMode?: SubjectMode;
  subjectAttributes?: SubjectAttribute[];
  rootEnvironments?: string[];
  includeIacSubject?: boolean;
  createEscEnvironment?: boolean;
  keyVault?: { name: string; secrets?: string[] };
  owner?: string;
}

/** What the portal knows when it checks a request. */
export interface FieldRuleContext {
  defaultOrganization?: string;
  defaultSubscriptionId?: string;
  guardrails: Guardrails;
  roles: RoleCatalogue;
  /** Whether Pulumi Cloud access is configured, which creating environments needs. */
  escEnvironmentsEnabled: boolean;
  /** How the environment's last run named it, when it has run before. */
  recorded?: {
    subjectMode?: SubjectMode;
    subjectAttributes?: SubjectAttribute[];
  };
}

/** The mode of a new environment whose request names none. */
export const DEFAULT_SUBJECT_MODE: SubjectMode = 'subjectAttributes';

/** The organization of a request: its own, or the portal's default. */
export function requestedOrganization(
  request: Partial<ProvisionRequest>,
  context: Pick<FieldRuleContext, 'defaultOrganization'>,
): string | undefined {
  return request.organization || context.defaultOrganization;
}

/** The subscription of a request: its own, or the portal's default. */
export function requestedSubscription(
  request: Partial<ProvisionRequest>,
  context: Pick<FieldRuleContext, 'defaultSubscriptionId'>,
): string | undefined {
  return request.subscriptionId || context.defaultSubscriptionId;
}

/** The subject mode: asked for, kept from the last run, or the default. */
export function requestedSubjectMode(
  request: Partial<ProvisionRequest>,
  context: Pick<FieldRuleContext, 'recorded'>,
): { mode: SubjectMode; source: 'requested' | 'recorded' | 'default' } {
  if (request.subjectMode) {
    return { mode: request.subjectMode, source: 'requested' };
  }
  const recorded = context.recorded?.subjectMode;
  return recorded
    ? { mode: recorded, source: 'recorded' }
    : { mode: DEFAULT_SUBJECT_MODE, source: 'default' };
}

/**
 * The login block's subject attributes: asked for, kept from the last run
 * in the same mode, or the Pulumi CLI's own default; none in environment mode.
 */
export function requestedSubjectAttributes(
  request: Partial<ProvisionRequest>,
  context: Pick<FieldRuleContext, 'recorded'>,
): SubjectAttribute[] {
  const { mode } = requestedSubjectMode(request, context);
  if (mode === 'environment') return [];
  const recorded = context.recorded;
  return (
    request.subjectAttributes ??
    (recorded?.subjectMode === mode ? recorded.subjectAttributes : undefined) ??
    DEFAULT_SUBJECT_ATTRIBUTES
  );
}
