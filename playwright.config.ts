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
const journeyDirectory = mkdtempSync(join(tmpdir(), 'portal-journey-'));

/** Throw-away state for a backend: an in-memory database and a data directory. */
const throwAwayState = (directory: string) => ({
  APP_CONFIG_backend_database_connection: '":memory:"',
  APP_CONFIG_pulumiAzureOidc_dataDirectory: JSON.stringify(directory),
  APP_CONFIG_pulumiAzureOidc_localCatalog_directory: JSON.stringify(
    join(directory, 'catalog'),
  ),
});

/** The journey's portal: ports of its own, so that both run at once. */
const JOURNEY = { app: 3100, backend: 7100 };

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

  webServer: [
    // The portal exactly as `yarn start` runs it on its embedded defaults,
    // with throw-away state so a run never sees entities or tasks from an
    // earlier one, and without a Pulumi CLI, as on a fresh machine.
    {
      command: 'yarn start',
      url: 'http://localhost:3000',
      reuseExistingServer: !process.env.CI,
      timeout: 240_000,
      env: {
        ...throwAwayState(stateDirectory),
        PATH: (process.env.PATH ?? '')
          .split(delimiter)
          .filter(directory => !existsSync(join(directory, 'pulumi')))
          .join(delimiter),
      },
    },
    // The journey's portal: the same frontend and backend, except that the
    // golden path runs the stand-in engine (packages/backend/dev/e2eBackend.ts),
    // so that runs finish without a cloud.
    {
      command:
        'node --require @backstage/cli/config/nodeTransform.cjs dev/e2eBackend.ts --config ../../app-config.yaml',
      cwd: 'packages/backend',
      url: `http://localhost:${JOURNEY.backend}/.backstage/health/v1/readiness`,
      reuseExistingServer: false,
      timeout: 240_000,
      env: {
        ...throwAwayState(journeyDirectory),
        NODE_ENV: 'development',
        APP_CONFIG_app_baseUrl: `http://localhost:${JOURNEY.app}`,
        APP_CONFIG_backend_baseUrl: `http://localhost:${JOURNEY.backend}`,
        APP_CONFIG_backend_listen_port: String(JOURNEY.backend),
        APP_CONFIG_backend_cors_origin: `http://localhost:${JOURNEY.app}`,
      },
    },
    {
      command: 'yarn workspace app start',
      url: `http://localhost:${JOURNEY.app}`,
      reuseExistingServer: false,
      timeout: 240_000,
      env: {
        APP_CONFIG_app_baseUrl: `http://localhost:${JOURNEY.app}`,
        APP_CONFIG_backend_baseUrl: `http://localhost:${JOURNEY.backend}`,
      },
    },
  ],

  projects: [
    {
      name: 'portal',
      testMatch: ['portal.test.ts', 'escEnvironment.test.ts'],
      use: { baseURL: 'http://localhost:3000' },
    },
    {
      name: 'journey',
      testMatch: ['journey.test.ts'],
      // A common desktop size, for the README's pictures.
      use: {
        baseURL: `http://localhost:${JOURNEY.app}`,
        viewport: { width: 1440, height: 900 },
      },
    },
  ],

  use: {
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
