/**
 * Whether every member of the organization may open the environment, and
 * so act as its Azure service principal: Pulumi Cloud's organization-wide
 * default environment permission (Settings > Access management; `write`
 * unless changed, https://www.pulumi.com/docs/esc/administration/access-control/).
 * `open`, `write` and `admin` let every member open every environment,
 * whatever teams the portal grants; `none` and `read` leave opening to the
 * teams and members granted it.
 */
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { EscEnvironments, opens } from '../pulumiCloud/escEnvironments';
import { CheckList } from './checks';

export async function checkDefaultPermission(
  name: string,
  escEnvironments: EscEnvironments,
  environment: EscEnvironmentRef,
  checks: CheckList,
  signal?: AbortSignal,
): Promise<void> {
  const { organization } = environment;
  const ref = formatEnvironmentRef(environment);
  const found = await escEnvironments.defaultPermission(organization, signal);
  if ('unreadable' in found) {
    checks.skipped(
      name,
      `cannot be read through the API: ${found.unreadable}. Check the default environment permission of ${organization} under Settings > Access management in Pulumi Cloud`,
    );
    return;
  }
  const { permission } = found;
  if (opens(permission)) {
    checks.failed(
      name,
      `every member of the Pulumi Cloud organization ${organization} may open ${ref}, and so act as its Azure service principal: the organization's default environment permission is '${permission}'. ` +
        "Set it to 'none' or 'read' under Settings > Access management (Enterprise and Business Critical editions), " +
        "and map the owner's group to its team in pulumiAzureOidc.pulumiCloud.teams, so that provisioning grants that team open",
    );
  } else {
    checks.passed(
      name,
      `the organization's default environment permission is '${permission}': members of ${organization} may open ${ref} only where a team or an administrator grants it`,
    );
  }
}
