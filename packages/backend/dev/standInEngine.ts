/**
 * An engine that stands in for the Pulumi Automation API where no cloud is
 * reachable: the backend tests and the browser journey's backend use it.
 * Its stacks live in memory for the life of the process, so that an update
 * or a decommission reads what the previous run left; its dry runs and
 * updates run the real program under Pulumi's mocks, and return the ids
 * Azure would assign. Never part of the production backend.
 */
import {
  createPreviewRunner,
  destroyed,
  emptyStackState,
  EnvironmentEngine,
  PREVIEW_PLACEHOLDERS,
  StackState,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';

export function standInEngine(options: {
  tenantId: string;
  /** The client id the stand-in's applications get. */
  clientId: string;
}): { engine: EnvironmentEngine; stacks: Map<string, StackState> } {
  const stacks = new Map<string, StackState>();
  // Dry runs are the real program under mocks, in turn on this thread.
  const previews = createPreviewRunner({ workers: 0 });
  const engine: EnvironmentEngine = {
    stackName: environment =>
      `${environment.organization}.${environment.project}.${environment.environment}`,
    preview: plan =>
      previews.run({
        plan,
        stackName: engine.stackName(plan.environment),
        tenantId: options.tenantId,
      }),
    outputs: async environment =>
      stacks.get(engine.stackName(environment)) ?? emptyStackState(),
    apply: async (plan, { authorize }) => {
      const stackName = engine.stackName(plan.environment);
      const before = stacks.get(stackName) ?? emptyStackState();
      authorize(before);
      const preview = await engine.preview(plan);
      const outputs = JSON.parse(
        JSON.stringify(preview.outputs).replaceAll(
          PREVIEW_PLACEHOLDERS.clientId,
          options.clientId,
        ),
      );
      const resources = preview.resources.length;
      stacks.set(stackName, {
        ...emptyStackState(),
        resources,
        owner: plan.owner,
        environmentRef: plan.environmentRef,
        subjectMode: plan.subjectMode,
        subjectAttributes: plan.subjectAttributes,
        credentials: plan.credentials,
        roleAssignments: plan.roleAssignments.map(assignment => ({
          logicalName: assignment.logicalName,
          name: assignment.roleAssignmentName,
          scope: assignment.scope.id,
          roleDefinitionId: assignment.roleDefinitionId,
        })),
        roleAssignmentNames: Object.fromEntries(
          plan.roleAssignments.map(a => [a.logicalName, a.roleAssignmentName]),
        ),
        identity: {
          clientId: outputs.clientId,
          tenantId: outputs.tenantId,
          subscriptionId: outputs.subscriptionId,
          servicePrincipalObjectId: outputs.servicePrincipalObjectId,
          environmentYaml: outputs.environmentYaml,
        },
      });
      return {
        stackName,
        outputs,
        changes: {
          created: Math.max(resources - before.resources, 0),
          updated: 0,
          replaced: 0,
          deleted: Math.max(before.resources - resources, 0),
          same: Math.min(before.resources, resources),
        },
      };
    },
    destroy: async (environment, { authorize }) => {
      const stackName = engine.stackName(environment);
      const state = stacks.get(stackName) ?? emptyStackState();
      authorize(state);
      stacks.delete(stackName);
      return destroyed(stackName, state.resources);
    },
    // Nobody changes the stand-in's objects behind its back.
    refresh: async environment => ({
      stackName: engine.stackName(environment),
      drift: [],
    }),
  };
  return { engine, stacks };
}
