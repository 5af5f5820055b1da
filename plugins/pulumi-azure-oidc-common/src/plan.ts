/**
 * Turns a developer's request into the complete provisioning plan, or into
 * every problem with it, before anything reaches a cloud.
 */
import { v5 as uuidv5 } from 'uuid';
import { armFoldCase } from './armNames';
import { toEntityRef } from './catalogEntity';
import {
  nameCredentials,
  PlannedCredential,
  RecordedCredential,
  retiringCredentials,
} from './credentials';
import { KeyVaultSecrets } from './environmentYaml';
import {
  checkEscEnvironmentCreation,
  checkIacSubjectAllowed,
  checkOrganizationAllowed,
  checkScopeAllowed,
  checkSubscriptionAllowed,
  Guardrails,
  resolveRequestedRole,
} from './guardrails';
import { fingerprint } from './hash';
import {
  checkEnvironmentReference,
  checkEscName,
  checkKeyVaultName,
  checkKeyVaultSecretName,
  InputProblem,
  isGuid,
} from './names';
import {
  credentialLimitProblem,
  DEFAULT_SUBJECT_ATTRIBUTES,
  EscEnvironmentRef,
  federatedCredentials,
  formatEnvironmentRef,
  MAX_FEDERATED_CREDENTIALS,
  oidcAudience,
  SUBJECT_ATTRIBUTES,
  SubjectAttribute,
  SubjectMode,
} from './oidc';
import { RoleCatalogue, RoleDefinition, roleDefinitionId } from './roles';
import { AzureScope, parseScope } from './scopes';
import { checkOwnerChoice, Requester } from './stewardship';

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

/** What the portal brings to a request. */
export interface PlanContext {
  defaultOrganization?: string;
  defaultSubscriptionId?: string;
  /** Pulumi Cloud's OIDC issuer. */
  issuer: string;
  guardrails: Guardrails;
  roles: RoleCatalogue;
  /** Whether Pulumi Cloud access is configured, which creating environments needs. */
  escEnvironmentsEnabled: boolean;
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

export interface PlannedRoleAssignment {
  role: RoleDefinition;
  scope: AzureScope;
  roleDefinitionId: string;
  /** Derived from role and scope: the same assignment keeps its name across runs. */
  logicalName: string;
  /** Names earlier versions derived for the same assignment, kept as aliases. */
  formerLogicalNames: string[];
  /**
   * Azure's name of the assignment (a GUID): the one the stack holds, or one
   * derived from environment, role and scope, so that a run repeated after a
   * crash finds the assignment it made instead of making a second.
   */
  roleAssignmentName: string;
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

/** Entra display names hold 256 characters; ours add a 11-character prefix. */
const ENVIRONMENT_REF_MAX_LENGTH = 200;

export type PlanResult =
  | { plan: ProvisionPlan; problems?: undefined }
  | { plan?: undefined; problems: InputProblem[] };

export function planProvisioning(
  request: ProvisionRequest,
  context: PlanContext,
): PlanResult {
  const problems: InputProblem[] = [];
  const report = (field: string, message: string | undefined) => {
    if (message) problems.push({ field, message });
  };

  const organization = request.organization || context.defaultOrganization;
  if (!organization) {
    report(
      'organization',
      'must be given: this portal has no default organization (pulumiAzureOidc.pulumiCloud.organization)',
    );
  } else {
    report(
      'organization',
      checkEscName(organization) ??
        checkOrganizationAllowed(context.guardrails, organization),
    );
  }
  report('project', checkEscName(request.project));
  report('environment', checkEscName(request.environment));
  const environment: EscEnvironmentRef = {
    organization: organization ?? '',
    project: request.project,
    environment: request.environment,
  };
  const environmentRef = formatEnvironmentRef(environment);
  if (environmentRef.length > ENVIRONMENT_REF_MAX_LENGTH) {
    report(
      'environment',
      `must keep '${environmentRef}' within ${ENVIRONMENT_REF_MAX_LENGTH} characters, so it fits an Entra display name`,
    );
  }

  const subscriptionId =
    request.subscriptionId || context.defaultSubscriptionId;
  let subscriptionOk = false;
  if (!subscriptionId) {
    report(
      'subscriptionId',
      'must be given: this portal has no default subscription (pulumiAzureOidc.azure.defaultSubscriptionId)',
    );
  } else if (!isGuid(subscriptionId)) {
    report('subscriptionId', 'must be a subscription id (a GUID)');
  } else {
    const problem = checkSubscriptionAllowed(
      context.guardrails,
      subscriptionId,
    );
    report('subscriptionId', problem);
    subscriptionOk = !problem;
  }

  const roleAssignments = subscriptionOk
    ? planRoleAssignments(
        request.roleAssignments ?? [],
        subscriptionId!,
        context,
        report,
      )
    : [];

  const recorded = context.recorded;
  const subjectMode =
    request.subjectMode ?? recorded?.subjectMode ?? 'subjectAttributes';
  let subjectModeSource: ProvisionPlan['subjectModeSource'] = 'default';
  if (request.subjectMode) subjectModeSource = 'requested';
  else if (recorded?.subjectMode) subjectModeSource = 'recorded';
  const subjectAttributes = checkSubjectAttributes(
    {
      ...request,
      subjectAttributes:
        request.subjectAttributes ??
        (subjectMode === recorded?.subjectMode
          ? recorded.subjectAttributes
          : undefined),
    },
    subjectMode,
    report,
  );
  const rootEnvironments = checkRootEnvironments(
    request,
    environment,
    subjectAttributes,
    report,
  );
  const keyVault = checkKeyVault(request.keyVault, report);
  if (request.includeIacSubject) {
    report(
      'includeIacSubject',
      checkIacSubjectAllowed(context.guardrails, subjectMode),
    );
  }

  const createEscEnvironment = request.createEscEnvironment ?? false;
  if (createEscEnvironment) {
    report(
      'createEscEnvironment',
      checkEscEnvironmentCreation(context.escEnvironmentsEnabled),
    );
  }

  const owner = request.owner
    ? toEntityRef(request.owner, 'group')
    : context.requester.userEntityRef;
  if (!owner) {
    report(
      'owner',
      "must be a catalog entity reference such as 'group:default/my-team'",
    );
  } else {
    report('owner', checkOwnerChoice(context.requester, owner));
  }

  if (problems.length > 0) {
    return { problems };
  }

  const wanted = federatedCredentials({
    environment,
    issuer: context.issuer,
    subjectMode,
    subjectAttributes,
    rootEnvironments,
    includeIacSubject: request.includeIacSubject ?? false,
  });
  const field = subjectAttributes.includes('rootEnvironment.name')
    ? 'rootEnvironments'
    : 'subjectAttributes';
  const credentialProblem = credentialLimitProblem(wanted);
  if (credentialProblem) {
    return { problems: [{ field, message: credentialProblem }] };
  }
  const credentials = nameCredentials(wanted, recorded?.credentials ?? []);
  // Retired only when the login block's subject changes: until the
  // environment's definition changes too, tokens carry the old subject.
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
  for (const assignment of roleAssignments) {
    assignment.roleAssignmentName =
      recorded?.roleAssignmentNames[assignment.logicalName] ??
      roleAssignmentName(environmentRef, assignment);
  }

  return {
    plan: {
      environment,
      environmentRef,
      subscriptionId: subscriptionId!.toLowerCase(),
      issuer: context.issuer,
      audience: oidcAudience(environment),
      subjectMode,
      subjectModeSource,
      subjectAttributes,
      credentials,
      retiringCredentials: retiring,
      roleAssignments,
      keyVault,
      createEscEnvironment,
      application: {
        ...describeApplication(
          environmentRef,
          owner!,
          context.requester.userEntityRef,
        ),
        owners: context.applicationOwners ?? [],
      },
      owner: owner!,
    },
  };
}

function planRoleAssignments(
  requests: RoleAssignmentRequest[],
  subscriptionId: string,
  context: PlanContext,
  report: (field: string, message: string | undefined) => void,
): PlannedRoleAssignment[] {
  const planned: PlannedRoleAssignment[] = [];
  const seen = new Map<string, number>();
  requests.forEach((request, index) => {
    const field = `roleAssignments[${index}]`;
    const resolved = resolveRequestedRole(
      context.guardrails,
      context.roles,
      request.role,
    );
    if ('problem' in resolved) {
      report(`${field}.role`, resolved.problem);
    }
    const parsed = parseScope(request.scope, subscriptionId);
    if ('problem' in parsed) {
      report(`${field}.scope`, parsed.problem);
    } else {
      report(
        `${field}.scope`,
        checkScopeAllowed(context.guardrails, parsed.scope),
      );
    }
    if ('problem' in resolved || 'problem' in parsed) {
      return;
    }
    const key = `${resolved.role.id}@${armFoldCase(parsed.scope.id)}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      report(
        field,
        `repeats roleAssignments[${earlier}]: the same role at the same scope`,
      );
      return;
    }
    seen.set(key, index);
    const logicalName = `role-${resolved.role.id}-${fingerprint(
      armFoldCase(parsed.scope.id),
    )}`;
    const formerName = `role-${resolved.role.id}-${fingerprint(
      parsed.scope.id.toLowerCase(),
    )}`;
    planned.push({
      role: resolved.role,
      scope: parsed.scope,
      roleDefinitionId: roleDefinitionId(
        subscriptionId.toLowerCase(),
        resolved.role.id,
      ),
      logicalName,
      // Earlier versions folded scopes with toLowerCase(), which differs
      // from ours for some letters outside ASCII.
      formerLogicalNames: formerName === logicalName ? [] : [formerName],
      roleAssignmentName: '',
    });
  });
  return planned;
}

function checkSubjectAttributes(
  request: ProvisionRequest,
  subjectMode: SubjectMode,
  report: (field: string, message: string | undefined) => void,
): SubjectAttribute[] {
  const attributes = request.subjectAttributes;
  if (subjectMode === 'environment') {
    if (attributes?.length) {
      report(
        'subjectAttributes',
        "only apply when subjectMode is 'subjectAttributes'",
      );
    }
    return [];
  }
  // The Pulumi CLI's own Azure setup lists the current environment's name.
  const chosen = attributes ?? DEFAULT_SUBJECT_ATTRIBUTES;
  if (chosen.length === 0) {
    report(
      'subjectAttributes',
      `must list at least one of ${SUBJECT_ATTRIBUTES.join(', ')}`,
    );
  }
  const unknown = chosen.filter(a => !SUBJECT_ATTRIBUTES.includes(a));
  if (unknown.length > 0) {
    report(
      'subjectAttributes',
      `must only list ${SUBJECT_ATTRIBUTES.join(', ')}; '${
        unknown[0]
      }' is not one of them`,
    );
  }
  if (new Set(chosen).size !== chosen.length) {
    report('subjectAttributes', 'must list each attribute once');
  }
  return chosen;
}

function checkRootEnvironments(
  request: ProvisionRequest,
  environment: EscEnvironmentRef,
  subjectAttributes: SubjectAttribute[],
  report: (field: string, message: string | undefined) => void,
): string[] {
  const roots = request.rootEnvironments ?? [];
  if (roots.length === 0) {
    return [];
  }
  if (!subjectAttributes.includes('rootEnvironment.name')) {
    report(
      'rootEnvironments',
      "only apply when subjectAttributes lists 'rootEnvironment.name'",
    );
    return [];
  }
  const own = `${environment.project}/${environment.environment}`;
  roots.forEach((root, index) => {
    const field = `rootEnvironments[${index}]`;
    report(field, checkEnvironmentReference(root));
    if (root === own) {
      report(field, 'names the environment itself, which is always trusted');
    } else if (roots.indexOf(root) !== index) {
      report(field, `repeats rootEnvironments[${roots.indexOf(root)}]`);
    }
  });
  return roots;
}

function checkKeyVault(
  keyVault: ProvisionRequest['keyVault'],
  report: (field: string, message: string | undefined) => void,
): KeyVaultSecrets | undefined {
  if (!keyVault) {
    return undefined;
  }
  report('keyVault.name', checkKeyVaultName(keyVault.name));
  const secrets = keyVault.secrets ?? [];
  if (secrets.length === 0) {
    report('keyVault.secrets', 'must list at least one secret name');
  }
  secrets.forEach((secret, index) => {
    const field = `keyVault.secrets[${index}]`;
    report(field, checkKeyVaultSecretName(secret));
    if (secrets.indexOf(secret) !== index) {
      report(field, `repeats keyVault.secrets[${secrets.indexOf(secret)}]`);
    }
  });
  return { name: keyVault.name, secrets };
}

/** The Entra application's tag that names its owner: `backstage-owner:<ref>`. */
export const OWNER_TAG_PREFIX = 'backstage-owner:';

/** The Entra application's tag that names its environment, so a run can recognise its own. */
export const ENVIRONMENT_TAG_PREFIX = 'pulumi-esc-environment:';

/** Tags every application the portal creates carries. */
export const PORTAL_APPLICATION_TAG = 'pulumi-esc-oidc';

/** The namespace of the portal's name-based role assignment names (UUID v5). */
const ROLE_ASSIGNMENT_NAMESPACE = '668d3b24-b728-49c2-93b2-6c4d4723a5f5';

/** A name-based UUID of environment, role and scope: the same on every run. */
export function roleAssignmentName(
  environmentRef: string,
  assignment: Pick<PlannedRoleAssignment, 'role' | 'scope'>,
): string {
  return uuidv5(
    [environmentRef, assignment.role.id, armFoldCase(assignment.scope.id)].join(
      '\n',
    ),
    ROLE_ASSIGNMENT_NAMESPACE,
  );
}

/** Entra keeps up to 1024 characters of notes. */
const NOTES_MAX_LENGTH = 1024;

function describeApplication(
  environmentRef: string,
  owner: string,
  requestedBy: string,
) {
  const notes = [
    `Azure identity of the Pulumi ESC environment ${environmentRef}, managed by the Backstage golden path; it trusts Pulumi Cloud through OIDC and holds no secret.`,
    `Owner: ${owner}.`,
    `Requested by: ${requestedBy}.`,
  ].join('\n');
  return {
    displayName: `Pulumi ESC ${environmentRef}`,
    notes: notes.slice(0, NOTES_MAX_LENGTH),
    tags: [
      PORTAL_APPLICATION_TAG,
      `${ENVIRONMENT_TAG_PREFIX}${environmentRef}`,
      `${OWNER_TAG_PREFIX}${owner}`,
    ],
  };
}
