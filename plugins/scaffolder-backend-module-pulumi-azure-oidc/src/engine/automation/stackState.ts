/**
 * What a stack's state says about the environment it was made for, read
 * before an update: who owns it, which subjects it trusts under which names,
 * the Azure names of its role assignments, and what a run that died
 * half-way left pending.
 */
import {
  OWNER_TAG_PREFIX,
  RecordedCredential,
  SUBJECT_ATTRIBUTES,
  SubjectAttribute,
  SubjectMode,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type { Deployment } from '@pulumi/pulumi/automation';
import {
  logicalNameOf,
  RESOURCE_TYPES,
  StackIdentity,
  StackState,
} from '../stackModel';

type StateResource = {
  urn?: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
};

export function readStackState(deployment: Deployment): StackState {
  const resources: StateResource[] = deployment.deployment?.resources ?? [];
  const pending: Array<{ type: string; resource: StateResource }> =
    deployment.deployment?.pending_operations ?? [];
  const stack = resources.find(r => r.type === RESOURCE_TYPES.stack);
  const held = resources.filter(
    r =>
      r.type !== RESOURCE_TYPES.stack &&
      !r.type.startsWith('pulumi:providers:'),
  );
  const application = held.find(r => r.type === RESOURCE_TYPES.application);
  const credentials = held
    .filter(r => r.type === RESOURCE_TYPES.credential)
    .map(recordedCredential);
  const recordedMode = text(stack?.outputs?.subjectMode) as
    | SubjectMode
    | undefined;
  const roleAssignments = held
    .filter(r => r.type === RESOURCE_TYPES.roleAssignment && r.urn)
    .map(r => ({
      logicalName: logicalNameOf(r.urn!),
      name: text(r.outputs?.name) ?? text(r.inputs?.roleAssignmentName) ?? '',
      scope: text(r.inputs?.scope) ?? '',
      roleDefinitionId: text(r.inputs?.roleDefinitionId) ?? '',
    }));
  return {
    resources: held.length,
    held: held
      .filter(r => r.urn)
      .map(r => ({ urn: r.urn!, type: r.type, name: logicalNameOf(r.urn!) })),
    roleAssignments,
    identity: identityOf(stack?.outputs),
    owner: text(stack?.outputs?.owner) ?? ownerTag(application),
    environmentRef: text(stack?.outputs?.environmentRef),
    applicationObjectId: text(application?.outputs?.objectId),
    subjectMode: recordedMode ?? inferredMode(credentials),
    subjectAttributes: Array.isArray(stack?.outputs?.subjectAttributes)
      ? (stack!.outputs!.subjectAttributes as SubjectAttribute[])
      : credentials
          .map(c => attributesOf(c.subject))
          .find(list => list.length > 0) ?? [],
    credentials,
    roleAssignmentNames: Object.fromEntries(
      roleAssignments.filter(r => r.name).map(r => [r.logicalName, r.name]),
    ),
    pendingCreates: pending
      .filter(op => op.type === 'creating' && op.resource.urn)
      .map(op => ({
        logicalName: logicalNameOf(op.resource.urn!),
        type: op.resource.type,
        inputs: op.resource.inputs ?? {},
      })),
    pendingOperations: pending.filter(op => op.type !== 'creating').length,
  };
}

/** The identity the last finished update reported; none before one finished. */
function identityOf(
  outputs: Record<string, unknown> | undefined,
): StackIdentity | undefined {
  const clientId = text(outputs?.clientId);
  const tenantId = text(outputs?.tenantId);
  const subscriptionId = text(outputs?.subscriptionId);
  const servicePrincipalObjectId = text(outputs?.servicePrincipalObjectId);
  if (!clientId || !tenantId || !subscriptionId || !servicePrincipalObjectId) {
    return undefined;
  }
  return {
    clientId,
    tenantId,
    subscriptionId,
    servicePrincipalObjectId,
    environmentYaml: text(outputs?.environmentYaml),
  };
}

function recordedCredential(resource: StateResource): RecordedCredential {
  const inputs = resource.inputs ?? {};
  const audiences = Array.isArray(inputs.audiences) ? inputs.audiences : [];
  return {
    logicalName: logicalNameOf(resource.urn ?? ''),
    name: text(inputs.displayName) ?? '',
    issuer: text(inputs.issuer) ?? '',
    audience: text(audiences[0]) ?? '',
    subject: text(inputs.subject) ?? '',
    description: text(inputs.description) ?? '',
  };
}

/** Stacks made before the mode was an output: their subjects tell. */
function inferredMode(
  credentials: RecordedCredential[],
): SubjectMode | undefined {
  if (credentials.length === 0) return undefined;
  return credentials.some(c => attributesOf(c.subject).length > 0)
    ? 'subjectAttributes'
    : 'environment';
}

/** The attributes a subjectAttributes subject lists, in order. */
function attributesOf(subject: string): SubjectAttribute[] {
  if (!subject.startsWith('pulumi:environments:pulumi.organization.login:')) {
    return [];
  }
  return subject
    .split(':')
    .filter((part): part is SubjectAttribute =>
      (SUBJECT_ATTRIBUTES as readonly string[]).includes(part),
    );
}

function ownerTag(application: StateResource | undefined) {
  const tags = application?.outputs?.tags ?? application?.inputs?.tags;
  const tag = Array.isArray(tags)
    ? tags.find(
        (t): t is string =>
          typeof t === 'string' && t.startsWith(OWNER_TAG_PREFIX),
      )
    : undefined;
  return tag?.slice(OWNER_TAG_PREFIX.length);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}
