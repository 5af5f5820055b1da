#!/usr/bin/env node
/**
 * The Pulumi resource plugins the golden path's program needs, at exactly
 * the versions of their npm packages in the committed lockfile: the
 * container image installs these, so that no run downloads a plugin and
 * the plugins cannot drift from the SDKs that call them. A provider's npm
 * package declares its plugin as `"pulumi": { "resource": true, "name",
 * "version" }`, the version being the package's own.
 *
 *   node packages/backend/deploy/pulumiPlugins.js [yarn.lock]
 *
 * prints one `pulumi plugin install resource <name> <version>` per plugin.
 */
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');

/** The provider packages the program imports, and their plugin names. */
const PROVIDERS = {
  '@pulumi/azuread': 'azuread',
  '@pulumi/azure-native': 'azure-native',
};

/** `{ name, version }` of each plugin, from a Yarn 4 lockfile's text. */
function pluginVersions(lockfile) {
  const entries = parse(lockfile);
  return Object.entries(PROVIDERS).map(([pkg, name]) => {
    const versions = new Set(
      Object.entries(entries)
        .filter(([descriptors]) =>
          descriptors
            .split(',')
            .some(descriptor => descriptor.trim().startsWith(`${pkg}@npm:`)),
        )
        .map(([, entry]) => entry.version),
    );
    if (versions.size !== 1) {
      throw new Error(
        `The lockfile must hold exactly one version of ${pkg}, the one the program runs with; it holds ${
          versions.size === 0 ? 'none' : [...versions].join(', ')
        }`,
      );
    }
    const [version] = versions;
    if (!/^\d+\.\d+\.\d+$/.test(version)) {
      throw new Error(`${pkg}@${version} is not a release version`);
    }
    return { name, version };
  });
}

module.exports = { pluginVersions };

if (require.main === module) {
  const lockfile = resolve(process.argv[2] ?? 'yarn.lock');
  for (const { name, version } of pluginVersions(
    readFileSync(lockfile, 'utf8'),
  )) {
    process.stdout.write(`pulumi plugin install resource ${name} ${version}\n`);
  }
}
