import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ActionAuditor, AUDIT_EVENTS, AuditOptions, taskMeta } from '../audit';
import {
  Verification,
  VerificationFailedError,
} from '../lifecycle/verification';
import { Stewardship } from '../provisioning/stewardship';
import { examples } from './verify.examples';
import {
  environmentInput,
  environmentRefOutput,
  environmentTask,
} from './environmentInput';
import { withTaskLogErrors } from './taskLogErrors';

export const VERIFY_ACTION_ID = 'pulumi:azureOidc:verify';

/**
 * `pulumi:azureOidc:verify`: whether an environment's trust works now, and
 * if not, which link is broken and how to mend it.
 */
export function createPulumiAzureOidcVerifyAction(
  options: {
    verification: Verification;
    stewardship: Stewardship;
  } & AuditOptions,
) {
  const { verification, stewardship } = options;
  const audit = new ActionAuditor(options);
  return createTemplateAction({
    id: VERIFY_ACTION_ID,
    description:
      "Checks an ESC environment's OIDC trust end to end: its stack, its definition in Pulumi Cloud, the token opening it yields, Entra's exchange of that token, and its role assignments.",
    examples,
    schema: {
      input: {
        environment: environmentInput,
        failOnProblem: z =>
          z
            .boolean()
            .default(true)
            .describe(
              'Fail the task when a check fails or cannot run; otherwise only report it',
            ),
      },
      output: {
        environmentRef: environmentRefOutput,
        ok: z => z.boolean().describe('Whether every check passed'),
        status: z =>
          z
            .enum(['passed', 'failed', 'incomplete'])
            .describe('incomplete: a check could not run'),
        checks: z =>
          z
            .array(
              z.object({
                name: z.string(),
                status: z.enum(['passed', 'failed', 'skipped']),
                detail: z.string(),
              }),
            )
            .describe('Each link of the trust, in order'),
      },
    },

    async handler(ctx) {
      await withTaskLogErrors(async () => {
        const { target, requester } = await environmentTask(ctx, stewardship);
        // Reading only, so `low`; a broken trust is the check's finding, recorded as its status.
        const result = await audit.run(
          {
            eventId: AUDIT_EVENTS.verify,
            severityLevel: 'low',
            meta: {
              ...taskMeta(ctx, requester),
              environmentRef: target.environmentRef,
            },
          },
          () =>
            verification.run({
              target,
              requester,
              signal: ctx.signal,
              log: ctx.logger,
            }),
          ({ ok, status, checks }) => ({
            ok,
            status,
            checks: checks.map(({ name, status: checkStatus }) => ({
              name,
              status: checkStatus,
            })),
          }),
        );
        ctx.output('environmentRef', target.environmentRef);
        ctx.output('ok', result.ok);
        ctx.output('status', result.status);
        ctx.output('checks', result.checks);
        if (!result.ok && (ctx.input.failOnProblem ?? true)) {
          throw new VerificationFailedError(target.environmentRef, result);
        }
      });
    },
  });
}
