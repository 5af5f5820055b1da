/**
 * What the program's stack holds, without the program: its resource types
 * and fixed logical names, its outputs, what a run may adopt, and what the
 * golden path reads from it. Readers of a stack need these; only a real or
 * mock run needs the Pulumi SDK.
 */
import {
  RecordedEnvironment,
  SubjectAttribute,
  SubjectMode,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/** The fixed logical names; credentials and role assignments take theirs from the plan. */
export const LOGICAL_NAMES = {
  application: 'application',
  servicePrincipal: 'service-principal',
} as const;

/** The stack's outputs: every id someone setting up or debugging the trust needs. */
export type EscAzureOidcOutputs = {
  clientId: string;
  tenantId: string;
  subscriptionId: string;
  applicationObjectId: string;
  servicePrincipalObjectId: string;
  issuer: string;
  audience: string;
  subjects: string[];
  subjectMode: SubjectMode;
  subjectAttributes: SubjectAttribute[];
  federatedCredentialIds: string[];
  roleAssignmentIds: string[];
  environmentRef: string;
  environmentYaml: string;
  /** Who may change the stack; checked before each update. */
  owner: string;
};

/**
 * Objects that exist in Entra or Azure but not in the stack (left by a run
 * that died half-way, or by lost state), by logical name: the import id of
 * each, and a role assignment's existing name. See `automation/recovery.ts`.
 */
export type Adoptions = Record<
  string,
  { id?: string; roleAssignmentName?: string }
>;

/** A resource a run began to create and never recorded as created. */
export interface PendingCreate {
  logicalName: string;
  type: string;
  inputs: Record<string, unknown>;
}

/** A resource the stack holds. */
export interface HeldResource {
  urn: string;
  type: string;
  /** Its logical name. */
  name: string;
}

/** A role assignment the stack holds. */
export interface HeldRoleAssignment {
  logicalName: string;
  /** Azure's name of it (a GUID). */
  name: string;
  scope: string;
  roleDefinitionId: string;
}

/** What the last finished update says the identity is. */
export interface StackIdentity {
  clientId: string;
  tenantId: string;
  subscriptionId: string;
  servicePrincipalObjectId: string;
  /** The environment definition it rendered. */
  environmentYaml?: string;
}

export interface StackState extends RecordedEnvironment {
  /** Resources the stack holds, itself and its providers aside. */
  resources: number;
  /** Those resources, in the order the state lists them. */
  held: HeldResource[];
  roleAssignments: HeldRoleAssignment[];
  /** From the outputs of the last finished update. */
  identity?: StackIdentity;
  /**
   * The owner its last update recorded; or, where no update finished, the one
   * the Entra application's tag names (the application is created first).
   */
  owner?: string;
  /** The environment its last finished update was for. */
  environmentRef?: string;
  /** The object id of the Entra application the stack holds. */
  applicationObjectId?: string;
  /** Creates a run began and did not finish: the backend died meanwhile. */
  pendingCreates: PendingCreate[];
  /** Other operations left pending (updates, deletes). */
  pendingOperations: number;
}

/** The state of an environment that has no stack, or an empty one. */
export function emptyStackState(): StackState {
  return {
    resources: 0,
    held: [],
    roleAssignments: [],
    credentials: [],
    roleAssignmentNames: {},
    pendingCreates: [],
    pendingOperations: 0,
  };
}

export const RESOURCE_TYPES = {
  stack: 'pulumi:pulumi:Stack',
  application: 'azuread:index/application:Application',
  servicePrincipal: 'azuread:index/servicePrincipal:ServicePrincipal',
  credential:
    'azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential',
  roleAssignment: 'azure-native:authorization:RoleAssignment',
} as const;

/** The logical name a URN ends with. */
export function logicalNameOf(urn: string): string {
  return urn.split('::').pop() ?? urn;
}
