/**
 * `yarn preview:upgrade [--config <file>]… <organization/project/environment>…`
 *
 * Before a new version of the portal goes out: a refresh-only preview of
 * each named environment's stack with this version's engine and the
 * configuration given (by default app-config.yaml, with
 * app-config.local.yaml when present). It compares each stack with what
 * Azure and Entra hold and changes nothing; it exits 1 when any stack
 * differs or cannot be read, so that a rollout can wait for a look.
 * Configuration files are named from where it is started; the paths inside
 * them start from packages/backend, as the backend's do.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import {
  automationApiEngine,
  configuredSecrets,
  describeDrift,
  EnvironmentEngine,
  HttpClient,
  parseEnvironmentRef,
  readPulumiAzureOidcConfig,
  SecretRedactor,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export interface UpgradePreview {
  unchanged: string[];
  differing: string[];
  unreadable: string[];
}

/** Each environment's stack, refreshed as a preview; one line per finding. */
export async function previewUpgrade(
  engine: Pick<EnvironmentEngine, 'refresh' | 'outputs'>,
  environments: EscEnvironmentRef[],
  write: (line: string) => void,
): Promise<UpgradePreview> {
  const summary: UpgradePreview = {
    unchanged: [],
    differing: [],
    unreadable: [],
  };
  for (const environment of environments) {
    const ref = formatEnvironmentRef(environment);
    try {
      const state = await engine.outputs(environment);
      if (state.resources === 0) {
        write(`${ref}: no stack, nothing to compare`);
        summary.unchanged.push(ref);
        continue;
      }
      const { drift } = await engine.refresh(environment);
      if (drift.length === 0) {
        write(`${ref}: unchanged`);
        summary.unchanged.push(ref);
      } else {
        for (const found of drift) write(`${ref}: ${describeDrift(found)}`);
        summary.differing.push(ref);
      }
    } catch (error) {
      write(`${ref}: cannot be read: ${(error as Error).message}`);
      summary.unreadable.push(ref);
    }
  }
  return summary;
}

/** `organization/project/environment`, or the reason it is not one. */
function environmentOf(value: string): EscEnvironmentRef {
  const environment = parseEnvironmentRef(value);
  if (!environment) {
    throw new Error(
      `'${value}' is not an environment: name each as organization/project/environment`,
    );
  }
  return environment;
}

async function main(argv: string[]) {
  const files: string[] = [];
  const environments: EscEnvironmentRef[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config') files.push(resolve(argv[++i]));
    else environments.push(environmentOf(argv[i]));
  }
  if (files.length === 0) {
    files.push(resolve('app-config.yaml'));
    if (existsSync('app-config.local.yaml')) {
      files.push(resolve('app-config.local.yaml'));
    }
  }
  // Relative paths in the configuration are the backend's: they start
  // where the backend runs, packages/backend.
  process.chdir(resolve(__dirname, '..'));
  const config = await ConfigSources.toConfig(
    ConfigSources.merge(
      files.map(path => FileConfigSource.create({ path, watch: false })),
    ),
  );
  config.close();
  const settings = readPulumiAzureOidcConfig(config);
  const redactor = new SecretRedactor(configuredSecrets(settings));
  // Warnings and errors to stderr, masked; the findings go to stdout.
  const tell = (message: string) => {
    process.stderr.write(`${redactor.redact(message)}\n`);
  };
  const logger: LoggerService = {
    error: tell,
    warn: tell,
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  const engine = automationApiEngine({
    settings,
    redactor,
    logger,
    http: new HttpClient({
      ...settings.network,
      redact: text => redactor.redact(text),
    }),
  });
  try {
    const summary = await previewUpgrade(engine, environments, line =>
      process.stdout.write(`${redactor.redact(line)}\n`),
    );
    process.stdout.write(
      `${summary.unchanged.length} unchanged, ${summary.differing.length} differ, ${summary.unreadable.length} unreadable\n`,
    );
    process.exitCode =
      summary.differing.length + summary.unreadable.length > 0 ? 1 : 0;
  } finally {
    await engine.close?.();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(error => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  });
}
