#!/usr/bin/env node
/*
 * `yarn test:all`: every suite once, in order, each timed against its
 * budget, then a table; the exit status is the first failure's, or 0.
 *
 * Every suite runs to completion and exits whether or not `CI` is set and
 * whether or not a terminal is attached: nothing here waits for a key.
 * The budgets add up, with `.ci/run`'s own stages, to CI's 30 minutes; a
 * stage over budget is reported, not failed, because CI machines are shared.
 */
const { spawnSync } = require('node:child_process');

/** [name, command, budget in seconds] */
const STAGES = [
  ['type-check', 'yarn tsc', 60],
  ['lint', 'yarn lint:all', 60],
  ['format', 'yarn prettier:check', 30],
  ['unit and integration', 'yarn test', 330],
  ['browser', 'yarn test:e2e', 180],
  // Builds the repository and starts the production bundle on PostgreSQL;
  // says it was skipped without PORTAL_TEST_POSTGRES_URL.
  ['production bundle', 'node scripts/bundle-test.js', 240],
];

function formatSeconds(seconds) {
  return `${seconds.toFixed(0)} s`;
}

const results = [];
let status = 0;
for (const [name, command, budget] of STAGES) {
  if (status !== 0) {
    results.push({ name, budget, outcome: 'not run' });
    continue;
  }
  process.stdout.write(`\n=== ${name}: ${command}\n`);
  const started = process.hrtime.bigint();
  const run = spawnSync(command, {
    shell: true,
    // Suites read no input: a closed stdin keeps any of them from waiting.
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const failed = run.status !== 0;
  if (failed) status = run.status ?? 1;
  results.push({
    name,
    budget,
    seconds,
    outcome: failed ? `FAILED (${run.signal ?? `exit ${run.status}`})` : 'ok',
  });
}

const rows = results.map(r => [
  r.name,
  r.seconds === undefined ? '-' : formatSeconds(r.seconds),
  formatSeconds(r.budget),
  r.seconds !== undefined && r.seconds > r.budget
    ? `${r.outcome}, over budget`
    : r.outcome,
]);
const header = ['stage', 'time', 'budget', 'outcome'];
const widths = header.map((h, i) =>
  Math.max(h.length, ...rows.map(row => row[i].length)),
);
const line = cells =>
  cells
    .map((c, i) => c.padEnd(widths[i]))
    .join('  ')
    .trimEnd();
process.stdout.write(
  `\n${[line(header), ...rows.map(line)].join('\n')}\n` +
    `total ${formatSeconds(
      results.reduce((sum, r) => sum + (r.seconds ?? 0), 0),
    )} of a ${formatSeconds(
      STAGES.reduce((sum, stage) => sum + stage[2], 0),
    )} budget\n`,
);
process.exit(status);
