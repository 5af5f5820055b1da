/**
 * `yarn bench`: how long the parts of a template run take that do not wait
 * on a cloud. Prints medians and 95th percentiles; asserts nothing.
 */
import type { PlanContext } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { performance } from 'node:perf_hooks';
import type { DryRunOptions } from '../src/engine/dryRun';

const TENANT = '99999999-8888-7777-6666-555555555555';
const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(3)} ms, p95 ${at(0.95).toFixed(3)} ms (n=${
    samples.length
  })`;
}

async function measure(label: string, runs: number, fn: () => unknown) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  console.log(`${label.padEnd(52)} ${stats(samples)}`);
}

async function main() {
  let start = performance.now();
  const common = require('@esc-azure-oidc/plugin-pulumi-azure-oidc-common');
  console.log(
    `${'load the rules (common package)'.padEnd(52)} ${(
      performance.now() - start
    ).toFixed(1)} ms`,
  );
  start = performance.now();
  const { dryRunProgram } = require('../src/engine/dryRun');
  console.log(
    `${'load Pulumi SDK, providers and the program'.padEnd(52)} ${(
      performance.now() - start
    ).toFixed(1)} ms`,
  );
  const { EngineProgress, resourceLabels } = require('../src/engine/progress');

  const context: PlanContext = {
    defaultOrganization: 'acme',
    defaultSubscriptionId: SUBSCRIPTION,
    issuer: 'https://api.pulumi.com/oidc',
    guardrails: {
      allowedOrganizations: ['acme'],
      allowedSubscriptions: [{ id: SUBSCRIPTION }],
      allowedPrivilegedRoles: [],
      allowIacSubject: true,
    },
    roles: new common.RoleCatalogue(),
    escEnvironmentsEnabled: true,
    requester: {
      userEntityRef: 'user:default/ada',
      ownershipEntityRefs: ['user:default/ada'],
      administrator: false,
    },
  };
  const typical = {
    project: 'payments',
    environment: 'prod',
    roleAssignments: [
      { role: 'Reader' },
      { role: 'Contributor', scope: 'rg-payments' },
    ],
    createEscEnvironment: true,
  };
  const largest = {
    ...typical,
    subjectMode: 'subjectAttributes',
    subjectAttributes: ['currentEnvironment.name', 'rootEnvironment.name'],
    rootEnvironments: Array.from({ length: 19 }, (_, i) => `apps/web-${i}`),
    roleAssignments: Array.from({ length: 20 }, (_, i) => ({
      role: 'Reader',
      scope: `rg-${i}`,
    })),
  };
  const plan = (request: object) =>
    common.planProvisioning(request, context).plan;

  await measure('plan a typical request', 2000, () => plan(typical));
  await measure(
    'plan the largest request (20 credentials, 20 roles)',
    2000,
    () => plan(largest),
  );

  const options: DryRunOptions = {
    projectName: 'esc-azure-oidc',
    stackName: 'bench',
    tenantId: TENANT,
  };
  await measure('dry run, typical request', 50, () =>
    dryRunProgram(plan(typical), options),
  );
  await measure('dry run, largest request', 20, () =>
    dryRunProgram(plan(largest), options),
  );
  const concurrent: number[] = [];
  for (let i = 0; i < 10; i++) {
    start = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, () => dryRunProgram(plan(typical), options)),
    );
    concurrent.push(performance.now() - start);
  }
  console.log(
    `${'10 concurrent dry runs, wall time'.padEnd(52)} ${stats(concurrent)}`,
  );

  const largestPlan = plan(largest);
  const progress = new EngineProgress({
    labels: resourceLabels(largestPlan),
    info: () => undefined,
    warn: () => undefined,
    redact: (text: string) => text,
  });
  const events = largestPlan.roleAssignments.map(
    (r: { logicalName: string }) => ({
      sequence: 0,
      timestamp: 0,
      resOutputsEvent: {
        metadata: {
          op: 'create',
          urn: `urn:pulumi:s::p::azure-native:authorization:RoleAssignment::${r.logicalName}`,
          type: 'azure-native:authorization:RoleAssignment',
          provider: '',
        },
      },
    }),
  );
  await measure('turn 20 engine events into log lines', 2000, () =>
    events.forEach((e: object) => progress.handle(e)),
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
