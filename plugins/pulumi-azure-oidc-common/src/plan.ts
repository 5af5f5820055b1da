/**
 * Turns a developer's request into the complete provisioning plan, or into
 * every problem with it, before anything reaches a cloud. The fields are
 * checked by their rules (fieldRules.ts), the owner by stewardship.
 */
import { toEntityRef } from './catalogEntity';
import {
  nameCredentials,
  PlannedCredential,
  RecordedCredential,
  retiringCredentials,
} from './credentials';
import { describeApplication } from './entraApplication';
import { EnvironmentDefinition, KeyVaultSecrets } from './environmentYaml';
import { checkRequestFields } from './fieldRules';
import { fieldProblem, InputProblem } from './names';
import {
  credentialLimitProblem,
  federatedCredentials,
  MAX_FEDERATED_CREDENTIALS,
} from './federatedCredentials';
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
  oidcAudience,
  SubjectAttribute,
  SubjectMode,
} from './oidc';
import {
  PlannedRoleAssignment,
  planRoleAssignments,
} from './plannedRoleAssignments';
import {
  FieldRuleContext,
  ProvisionRequest,
  requestedOrganization,
  requestedSubjectAttributes,
  requestedSubjectMode,
  requestedSubscription,
} from './request';
import { checkOwnerChoice, Requester } from './stewardship';

/** What the portal brings to a request. */
export interface PlanContext extends FieldRuleContext {
  /** Pulumi Cloud's OIDC issuer. */
  issuer: string;
  /** The user running the template: recorded on the Entra application, and who the owner may be. */
  requester: Requester;
  /** Object ids of principals that co-own every Entra application, besides the deployer. */
  applicationOwners?: string[];
  /** What the environment's stack (or its catalog entity) records, if it exists. */
  recorded?: RecordedEnvironment;
}

/** What an earlier run left for this environment. */
export interface RecordedEnvironment {
  subjectMode?: SubjectMode;
  subjectAttributes?: SubjectAttribute[];
  /** The credentials the stack holds. */
  credentials: RecordedCredential[];
  /** Each role assignment's Azure name, by logical name, as the stack holds it. */
  roleAssignmentNames: Record<string, string>;
}

export interface ProvisionPlan {
  environment: EscEnvironmentRef;
  /** `organization/project/environment`. */
  environmentRef: string;
  subscriptionId: string;
  issuer: string;
  audience: string;
  subjectMode: SubjectMode;
  /** Why this mode: asked for, kept from the last run, or the default for new environments. */
  subjectModeSource: 'requested' | 'recorded' | 'default';
  subjectAttributes: SubjectAttribute[];
  credentials: PlannedCredential[];
  /**
   * Credentials the stack holds for subjects no longer trusted: kept until
   * the environment's definition uses the new subjects, then removed.
   */
  retiringCredentials: PlannedCredential[];
  roleAssignments: PlannedRoleAssignment[];
  keyVault?: KeyVaultSecrets;
  createEscEnvironment: boolean;
  application: {
    displayName: string;
    notes: string;
    tags: string[];
    /** Configured co-owners; the program adds the deploying principal. */
    owners: string[];
  };
  /** The owner's full entity reference: the one requested, or the requester. */
  owner: string;
}

export type PlanResult =
  | { plan: ProvisionPlan; problems?: undefined }
  | { plan?: undefined; problems: InputProblem[] };

export function planProvisioning(
  request: ProvisionRequest,
  context: PlanContext,
): PlanResult {
  const owner = request.owner
    ? toEntityRef(request.owner, 'group')
    : context.requester.userEntityRef;
  const problems = [
    ...checkRequestFields(request, context),
    ...(owner
      ? fieldProblem('owner', checkOwnerChoice(context.requester, owner))
      : fieldProblem(
          'owner',
          "must be a catalog entity reference such as 'group:default/my-team'",
        )),
  ];
  if (problems.length > 0 || !owner) return { problems };

  const environment: EscEnvironmentRef = {
    organization: requestedOrganization(request, context)!,
    project: request.project,
    environment: request.environment,
  };
  const environmentRef = formatEnvironmentRef(environment);
  const subscriptionId = requestedSubscription(request, context)!;
  const { mode: subjectMode, source } = requestedSubjectMode(request, context);
  const subjectAttributes = requestedSubjectAttributes(request, context);
  const recorded = context.recorded;

  const trusted = trustedCredentials(request, context, {
    environment,
    subjectMode,
    subjectAttributes,
  });
  if ('problems' in trusted) return trusted;

  return {
    plan: {
      environment,
      environmentRef,
      subscriptionId: subscriptionId.toLowerCase(),
      issuer: context.issuer,
      audience: oidcAudience(environment),
      subjectMode,
      subjectModeSource: source,
      subjectAttributes,
      ...trusted,
      roleAssignments: planRoleAssignments(request.roleAssignments ?? [], {
        subscriptionId,
        environmentRef,
        context,
        recordedNames: recorded?.roleAssignmentNames ?? {},
      }),
      keyVault: request.keyVault && {
        name: request.keyVault.name,
        secrets: request.keyVault.secrets ?? [],
      },
      createEscEnvironment: request.createEscEnvironment ?? false,
      application: {
        ...describeApplication(
          environmentRef,
          owner,
          context.requester.userEntityRef,
        ),
        owners: context.applicationOwners ?? [],
      },
      owner,
    },
  };
}

/**
 * The credentials the subjects need, named as the stack names them, and
 * those of subjects no longer trusted: retired only when the login block's
 * subject changes, since until the environment's definition changes too,
 * tokens carry the old subject.
 */
function trustedCredentials(
  request: ProvisionRequest,
  context: PlanContext,
  subject: {
    environment: EscEnvironmentRef;
    subjectMode: SubjectMode;
    subjectAttributes: SubjectAttribute[];
  },
):
  | {
      credentials: PlannedCredential[];
      retiringCredentials: PlannedCredential[];
    }
  | { problems: InputProblem[] } {
  const { subjectMode, subjectAttributes } = subject;
  const wanted = federatedCredentials({
    ...subject,
    issuer: context.issuer,
    rootEnvironments: subjectAttributes.includes('rootEnvironment.name')
      ? request.rootEnvironments ?? []
      : [],
    includeIacSubject: request.includeIacSubject ?? false,
  });
  const limit = credentialLimitProblem(wanted);
  if (limit) {
    const field = subjectAttributes.includes('rootEnvironment.name')
      ? 'rootEnvironments'
      : 'subjectAttributes';
    return { problems: [{ field, message: limit }] };
  }
  const recorded = context.recorded;
  const credentials = nameCredentials(wanted, recorded?.credentials ?? []);
  const subjectChanges =
    !!recorded?.subjectMode &&
    (recorded.subjectMode !== subjectMode ||
      (recorded.subjectAttributes ?? []).join() !== subjectAttributes.join());
  const retiring = subjectChanges
    ? retiringCredentials(credentials, recorded?.credentials ?? [])
    : [];
  if (credentials.length + retiring.length > MAX_FEDERATED_CREDENTIALS) {
    return {
      problems: [
        {
          field: 'subjectMode',
          message: `would need ${
            credentials.length + retiring.length
          } federated identity credentials while the old subjects are still trusted, and Entra allows at most ${MAX_FEDERATED_CREDENTIALS} per application; change fewer subjects at once`,
        },
      ],
    };
  }
  return { credentials, retiringCredentials: retiring };
}

/**
 * The request a plan answers, in the template's words with every default
 * filled in: kept on the entity, so that Update opens the form with what
 * the environment has now.
 */
export function answeredRequest(
  request: ProvisionRequest,
  plan: ProvisionPlan,
): ProvisionRequest {
  const attributes = plan.subjectMode === 'subjectAttributes';
  const answered: ProvisionRequest = {
    organization: plan.environment.organization,
    project: plan.environment.project,
    environment: plan.environment.environment,
    subscriptionId: plan.subscriptionId,
    roleAssignments: (request.roleAssignments ?? []).map(({ role, scope }) =>
      scope ? { role, scope } : { role },
    ),
    subjectMode: plan.subjectMode,
    subjectAttributes: attributes ? plan.subjectAttributes : undefined,
    rootEnvironments: attributes ? request.rootEnvironments : undefined,
    includeIacSubject: attributes ? undefined : request.includeIacSubject,
    createEscEnvironment: plan.createEscEnvironment,
    keyVault: plan.keyVault,
    owner: plan.owner,
  };
  return Object.fromEntries(
    Object.entries(answered).filter(([, value]) => value !== undefined),
  ) as ProvisionRequest;
}

/** What the environment's definition says of an identity created for `plan`. */
export function environmentDefinition(
  plan: ProvisionPlan,
  identity: { clientId: string; tenantId: string },
): EnvironmentDefinition {
  return {
    ...identity,
    subscriptionId: plan.subscriptionId,
    subjectAttributes:
      plan.subjectMode === 'subjectAttributes'
        ? plan.subjectAttributes
        : undefined,
    keyVault: plan.keyVault,
  };
}
