/**
 * What an ESC environment's entity page shows, read from the entity as the
 * catalog returns it: every part optional, because an entity may come from
 * an earlier version of the portal, a run that never finished, or a hand.
 */
import {
  AzureAccess,
  ESC_ANNOTATIONS,
  EscEnvironmentTrust,
  environmentFromAnnotations,
  recordedSubject,
} from './catalogEntity';
import { EscEnvironmentRef, SubjectAttribute, SubjectMode } from './oidc';

/** What each mode means for whoever opens the environment, in one line. */
export const SUBJECT_MODE_EFFECTS: Record<SubjectMode, string> = {
  subjectAttributes:
    'Tokens name this environment whoever opens it: directly, through an environment that imports it, or from a Pulumi stack. What `pulumi env setup azure` sets up.',
  environment:
    'Tokens name the environment that was opened: environments that import this one, and Pulumi stacks, cannot log in with it (Entra answers AADSTS700213).',
};

export interface EscEnvironmentView {
  environment?: EscEnvironmentRef;
  clientId?: string;
  tenantId?: string;
  subscriptionId?: string;
  stackName?: string;
  subjectMode?: SubjectMode;
  subjectAttributes?: SubjectAttribute[];
  trust?: EscEnvironmentTrust;
  azureAccess: AzureAccess[];
  environmentYaml?: string;
  /** The answers it was made with, for Update. */
  request?: Record<string, unknown>;
  /** The task that last changed it. */
  task?: { id: string; at?: string };
}

export function escEnvironmentView(entity: {
  metadata: { annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}): EscEnvironmentView {
  const annotations = entity.metadata.annotations ?? {};
  const spec = entity.spec ?? {};
  const annotation = (key: keyof typeof ESC_ANNOTATIONS) =>
    text(annotations[ESC_ANNOTATIONS[key]]);
  const trust = record(spec.trust);
  const taskId = annotation('taskId');
  return {
    environment: environmentFromAnnotations(annotations),
    clientId: annotation('clientId'),
    tenantId: annotation('tenantId'),
    subscriptionId: annotation('subscriptionId'),
    stackName: annotation('stackName'),
    ...recordedSubject(annotations),
    trust:
      trust && text(trust.issuer) && text(trust.audience)
        ? {
            issuer: text(trust.issuer)!,
            audience: text(trust.audience)!,
            subjects: texts(trust.subjects),
          }
        : undefined,
    azureAccess: (Array.isArray(spec.azureAccess) ? spec.azureAccess : [])
      .map(record)
      .filter(
        (access): access is Record<string, unknown> =>
          !!access && !!text(access.role) && !!text(access.scope),
      )
      .map(access => ({
        role: text(access.role)!,
        roleDefinitionId: text(access.roleDefinitionId) ?? '',
        scope: text(access.scope)!,
      })),
    environmentYaml: text(spec.environmentYaml),
    request: record(spec.request),
    task: taskId ? { id: taskId, at: annotation('updatedAt') } : undefined,
  };
}

/**
 * The scope's Access control (IAM) blade in the Azure portal, in the
 * environment's tenant: `#@<tenant>/resource<resource id>/users` is the
 * portal's deep link to a resource's role assignments.
 */
export function azurePortalAccessUrl(scope: string, tenantId?: string): string {
  return `https://portal.azure.com/#${
    tenantId ? `@${encodeURIComponent(tenantId)}` : ''
  }/resource${scope}/users`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function texts(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && !!v)
    : [];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
