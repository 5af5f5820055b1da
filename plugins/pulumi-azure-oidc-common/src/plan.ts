/**
 * Turns a developer's request into the complete provisioning plan, or into
 * every problem with it, before anything reaches a cloud.
 */
import { armFoldCase } from './armNames';
import { toEntityRef } from './catalogEntity';
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
  EscEnvironmentRef,
  federatedCredentials,
  FederatedCredentialSpec,
  formatEnvironmentRef,
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
}

export interface PlannedRoleAssignment {
  role: RoleDefinition;
  scope: AzureScope;
  roleDefinitionId: string;
  /** Derived from role and scope: the same assignment keeps its name across runs. */
  logicalName: string;
  /** Names earlier versions derived for the same assignment, kept as aliases. */
  formerLogicalNames: string[];
}

export interface PlannedCredential extends FederatedCredentialSpec {
  logicalName: string;
}

export interface ProvisionPlan {
  environment: EscEnvironmentRef;
  /** `organization/project/environment`. */
  environmentRef: string;
  subscriptionId: string;
  issuer: string;
  audience: string;
  subjectMode: SubjectMode;
  subjectAttributes: SubjectAttribute[];
  credentials: PlannedCredential[];
  roleAssignments: PlannedRoleAssignment[];
  keyVault?: KeyVaultSecrets;
  createEscEnvironment: boolean;
  application: { displayName: string; notes: string; tags: string[] };
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

  const subjectMode = request.subjectMode ?? 'environment';
  const subjectAttributes = checkSubjectAttributes(
    request,
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

  const credentials = federatedCredentials({
    environment,
    issuer: context.issuer,
    subjectMode,
    subjectAttributes,
    rootEnvironments,
    includeIacSubject: request.includeIacSubject ?? false,
  });
  const credentialProblem = credentialLimitProblem(credentials);
  if (credentialProblem) {
    const field = subjectAttributes.includes('rootEnvironment.name')
      ? 'rootEnvironments'
      : 'subjectAttributes';
    return { problems: [{ field, message: credentialProblem }] };
  }

  return {
    plan: {
      environment,
      environmentRef,
      subscriptionId: subscriptionId!.toLowerCase(),
      issuer: context.issuer,
      audience: oidcAudience(environment),
      subjectMode,
      subjectAttributes,
      credentials: credentials.map(c => ({
        ...c,
        logicalName: `credential-${c.name}`,
      })),
      roleAssignments,
      keyVault,
      createEscEnvironment,
      application: describeApplication(
        environmentRef,
        owner!,
        context.requester.userEntityRef,
      ),
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
  const chosen = attributes ?? ['currentEnvironment.name'];
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
    tags: ['pulumi-esc-oidc', `${OWNER_TAG_PREFIX}${owner}`],
  };
}
