#!/usr/bin/env node
/**
 * The SHA-256 line `sha256sum -c` checks the Pulumi CLI archive against, at
 * the image's build, from the table the module's auto-install trusts
 * (cliChecksums.json, committed and reviewed in this repository): one
 * trust root for both ways the CLI arrives.
 *
 *   node packages/backend/deploy/pulumiCliChecksum.js <version> <os-arch>
 */
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');

const TABLE = resolve(
  __dirname,
  '../../../plugins/scaffolder-backend-module-pulumi-azure-oidc/src/engine/automation/cliChecksums.json',
);

/** `<sha256>  pulumi-v<version>-<platform>.tar.gz`, or why there is none. */
function checksumLine(table, version, platform) {
  const sha256 = table[version]?.[platform];
  if (!sha256) {
    const known = Object.keys(table);
    const others =
      known.length > 0 ? `, or build with one of ${known.join(', ')}` : '';
    throw new Error(
      `No committed SHA-256 for the Pulumi CLI ${version} on ${platform}: add it to cliChecksums.json from the release's pulumi-${version}-checksums.txt${others}`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new Error(`The SHA-256 of ${version} on ${platform} is malformed`);
  }
  return `${sha256}  pulumi-v${version}-${platform}.tar.gz`;
}

module.exports = { checksumLine, TABLE };

if (require.main === module) {
  const [version, platform] = process.argv.slice(2);
  try {
    const table = JSON.parse(readFileSync(TABLE, 'utf8'));
    process.stdout.write(`${checksumLine(table, version, platform)}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
