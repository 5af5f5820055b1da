import { defineConfig } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Browser tests drive the system's Chromium (Debian: `apt install chromium`);
 * no test tool ever downloads a browser. Override the path with CHROMIUM_PATH.
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  throw new Error(
    `No Chromium at ${chromiumPath}. Install it (Debian/Ubuntu: apt install chromium) ` +
      'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  );
}

const stateDirectory = mkdtempSync(join(tmpdir(), 'portal-e2e-'));

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  outputDir: 'node_modules/.cache/e2e-test-results',

  // The portal exactly as `yarn start` runs it on its embedded defaults,
  // with throw-away state so a run never sees entities or tasks from an
  // earlier one, and without a Pulumi CLI, as on a fresh machine.
  webServer: {
    command: 'yarn start',
    url: 'http://localhost:3000',
    reuseExistingServer: !process.env.CI,
    timeout: 240_000,
    env: {
      APP_CONFIG_backend_database_connection: '":memory:"',
      APP_CONFIG_pulumiAzureOidc_dataDirectory: JSON.stringify(stateDirectory),
      APP_CONFIG_pulumiAzureOidc_localCatalog_directory: JSON.stringify(
        join(stateDirectory, 'catalog'),
      ),
      PATH: (process.env.PATH ?? '')
        .split(delimiter)
        .filter(directory => !existsSync(join(directory, 'pulumi')))
        .join(delimiter),
    },
  },

  use: {
    baseURL: 'http://localhost:3000',
    actionTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
