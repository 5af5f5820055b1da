import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ActionAuditor,
  AUDIT_EVENTS,
  AuditOptions,
  changeSeverity,
  taskMeta,
} from '../audit';
import { Decommissioner } from '../lifecycle/decommissioner';
import { Stewardship } from '../provisioning/stewardship';
import { examples } from './decommission.examples';
import {
  environmentInput,
  environmentRefOutput,
  environmentTask,
} from './environmentInput';
import { withTaskLogErrors } from './taskLogErrors';

export const DECOMMISSION_ACTION_ID = 'pulumi:azureOidc:decommission';

/**
 * `pulumi:azureOidc:decommission`: removes an environment's trust and
 * everything the portal made for it, once its owner confirms by name.
 */
export function createPulumiAzureOidcDecommissionAction(
  options: {
    decommissioner: Decommissioner;
    stewardship: Stewardship;
  } & AuditOptions,
) {
  const { decommissioner, stewardship } = options;
  const audit = new ActionAuditor(options);
  return createTemplateAction({
    id: DECOMMISSION_ACTION_ID,
    description:
      "Removes an ESC environment's Azure identity (federated credentials first, then role assignments, service principal and application), its Pulumi stack, the ESC environment when the portal wrote it, and its catalog entity.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        environment: environmentInput,
        confirm: z =>
          z
            .string()
            .describe(
              "The environment's full name, 'organization/project/environment', to confirm",
            ),
        confirmDependants: z =>
          z
            .array(z.string())
            .default([])
            .describe(
              "Environments ('project/environment') and stacks ('project/stack') that use it, each named to confirm decommissioning it anyway",
            ),
      },
      output: {
        environmentRef: environmentRefOutput,
        entityName: z => z.string().describe("The catalog entity's name"),
        removed: z =>
          z
            .array(z.string())
            .describe('What was removed (in a dry run: what would be)'),
        kept: z => z.array(z.string()).describe('What was left, and why'),
        alreadyGone: z => z.boolean().describe('Nothing was left to remove'),
      },
    },

    async handler(ctx) {
      await withTaskLogErrors(async () => {
        const { target, requester } = await environmentTask(ctx, stewardship);
        const dryRun = ctx.isDryRun ?? false;
        const outcome = await audit.run(
          {
            eventId: AUDIT_EVENTS.decommission,
            severityLevel: changeSeverity(dryRun),
            meta: {
              ...taskMeta(ctx, requester),
              environmentRef: target.environmentRef,
              entityRef: `resource:default/${target.entityName}`,
              dryRun,
            },
          },
          () =>
            decommissioner.decommission({
              target,
              requester,
              confirm: ctx.input.confirm,
              confirmDependants: ctx.input.confirmDependants ?? [],
              dryRun,
              signal: ctx.signal,
              log: ctx.logger,
            }),
          ({ removed, kept, alreadyGone }) => ({ removed, kept, alreadyGone }),
        );
        ctx.output('environmentRef', target.environmentRef);
        ctx.output('entityName', target.entityName);
        ctx.output('removed', outcome.removed);
        ctx.output('kept', outcome.kept);
        ctx.output('alreadyGone', outcome.alreadyGone);
      });
    },
  });
}
