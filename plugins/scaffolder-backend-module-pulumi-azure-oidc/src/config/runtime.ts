import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { valid as validSemver } from 'semver';
import { ConfigProblem, PulumiAzureOidcSettings } from './settings';

/** `cli`: which Pulumi CLI runs stacks, and whether to install one. */
export function readCli(
  config: Config | undefined,
): PulumiAzureOidcSettings['cli'] {
  const version = config?.getOptionalString('cli.version');
  if (version !== undefined && !validSemver(version)) {
    throw new ConfigProblem(
      'cli.version',
      `must be a version such as 3.140.0, got '${version}'`,
    );
  }
  return {
    root: config?.getOptionalString('cli.root'),
    autoInstall: config?.getOptionalBoolean('cli.autoInstall') ?? false,
    version,
  };
}

/** `network`: how long the module's own calls may take, and how often reads are tried. */
export function readNetwork(
  config: Config | undefined,
): PulumiAzureOidcSettings['network'] {
  return {
    timeoutSeconds: readNumber(config, 'network.timeoutSeconds', {
      default: 30,
      valid: value => value > 0,
      rule: 'must be a number of seconds above 0',
    }),
    retries: readNumber(config, 'network.retries', {
      default: 3,
      valid: value => Number.isInteger(value) && value >= 0 && value <= 10,
      rule: 'must be a whole number from 0 to 10',
    }),
  };
}

/** `preview`: how many threads run dry runs, and whether they read the stack. */
export function readPreview(
  config: Config | undefined,
): PulumiAzureOidcSettings['preview'] {
  return {
    workers: readNumber(config, 'preview.workers', {
      default: 1,
      valid: value => Number.isInteger(value) && value >= 0 && value <= 16,
      rule: 'must be a whole number from 0 (dry runs on the main thread, in turn) to 16',
    }),
    compareWithStack:
      config?.getOptionalBoolean('preview.compareWithStack') ?? false,
  };
}

/** `replicas`: how many backends share the database and run tasks. */
export function readReplicas(config: Config | undefined): number {
  return readNumber(config, 'replicas', {
    default: 1,
    valid: value => Number.isInteger(value) && value >= 1,
    rule: 'must be a whole number of backend replicas, 1 or more',
  });
}

/** `locks`: how long a change waits for another of its environment, and how long a lease lasts. */
export function readLocks(
  config: Config | undefined,
): PulumiAzureOidcSettings['locks'] {
  return {
    waitSeconds: readNumber(config, 'locks.waitSeconds', {
      default: 600,
      valid: value => value > 0,
      rule: 'must be a number of seconds above 0',
    }),
    leaseSeconds: readNumber(config, 'locks.leaseSeconds', {
      default: 60,
      valid: value => value >= 5,
      rule: 'must be a number of seconds of 5 or more',
    }),
  };
}

/** `lifecycle`: what is kept of checks, and when drift rounds run. */
export function readLifecycle(
  config: Config | undefined,
): PulumiAzureOidcSettings['lifecycle'] {
  const schedule = config?.getOptionalConfig('lifecycle.drift.schedule');
  let parsed: SchedulerServiceTaskScheduleDefinition | undefined;
  try {
    parsed =
      schedule &&
      readSchedulerServiceTaskScheduleDefinitionFromConfig(schedule);
  } catch (error) {
    throw new ConfigProblem(
      'lifecycle.drift.schedule',
      `: ${(error as Error).message}`,
    );
  }
  return {
    keepResults: readNumber(config, 'lifecycle.keepResults', {
      default: 20,
      valid: value => Number.isInteger(value) && value >= 1 && value <= 1000,
      rule: 'must be a whole number from 1 to 1000',
    }),
    drift: {
      schedule: parsed,
      concurrency: readNumber(config, 'lifecycle.drift.concurrency', {
        default: 2,
        valid: value => Number.isInteger(value) && value >= 1 && value <= 32,
        rule: 'must be a whole number from 1 to 32',
      }),
    },
  };
}

function readNumber(
  config: Config | undefined,
  key: string,
  check: { default: number; valid(value: number): boolean; rule: string },
): number {
  const value = config?.getOptionalNumber(key) ?? check.default;
  if (!check.valid(value)) {
    throw new ConfigProblem(key, `${check.rule}, got ${value}`);
  }
  return value;
}
