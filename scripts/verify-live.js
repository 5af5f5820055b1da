#!/usr/bin/env node
/*
 * `yarn verify:live`: the opt-in live test, against the tenant, subscription
 * and Pulumi Cloud organization the environment names (see the module's
 * README). It creates real identities and environments, proves each trust
 * through Entra and ARM, and removes everything it made.
 */
const { spawnSync } = require('node:child_process');

const run = spawnSync(
  'yarn',
  [
    'backstage-cli',
    'repo',
    'test',
    '--watchAll=false',
    'plugins/scaffolder-backend-module-pulumi-azure-oidc/src/live.test.ts',
  ],
  {
    stdio: 'inherit',
    shell: process.platform === 'win32',
    env: { ...process.env, PULUMI_AZURE_OIDC_LIVE_TEST: '1' },
  },
);
process.exit(run.status ?? 1);
