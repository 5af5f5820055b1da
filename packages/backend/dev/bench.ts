/**
 * `yarn bench`: what the golden path costs a running portal, as ratios
 * measured in one run on this machine (shared machines are noisy; ratios
 * of interleaved runs are not). It starts the API backend itself, in the
 * development start mode (`backstage-cli package start`: source maps on)
 * and in the production one (NODE_ENV=production, no source maps), and
 * prints one table. It asserts nothing: the test suite holds no timing.
 */
import { performance } from 'node:perf_hooks';
import { driftRoundCost } from './driftBench';
import { Backend, dryRunner, StartMode } from './portalProcess';

const TRANSFORM = require.resolve('@backstage/cli/config/nodeTransform.cjs');

const MODES = [
  {
    name: 'development',
    node: ['--enable-source-maps', '--require', TRANSFORM],
    env: 'development',
  },
  { name: 'production', node: ['--require', TRANSFORM], env: 'production' },
] as const satisfies readonly StartMode[];
type Mode = (typeof MODES)[number];

const SAMPLES = {
  dryRuns: 150,
  concurrentRounds: 10,
  leakRuns: 200,
  starts: 3,
};

/** One row of the table: what, how much, against which target. */
interface Row {
  measure: string;
  value: string;
  target: string;
  met?: boolean;
}

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
};

const ratioRow = (
  measure: string,
  ours: number,
  trivial: number,
  limit: number,
): Row => ({
  measure,
  value: `${(ours / trivial).toFixed(2)}× (${ours.toFixed(
    0,
  )} vs ${trivial.toFixed(0)} ms)`,
  target: `≤ ${limit}×`,
  met: ours / trivial <= limit,
});

/** Provision dry runs against debug:log ones, one after another and ten at once. */
async function dryRunCosts(mode: Mode): Promise<Row[]> {
  const { backend } = await Backend.start(mode, true);
  try {
    const run = await dryRunner(backend.baseUrl);
    for (let i = 0; i < 5; i++) await run('trivial');
    const cold = await backend.rss();
    // Warm up: the first provision dry run starts the preview worker.
    for (let i = 0; i < 5; i++) {
      await Promise.all([run('provision'), run('trivial')]);
    }
    const warm = await backend.rss();
    const ours: number[] = [];
    const trivial: number[] = [];
    for (let i = 0; i < SAMPLES.dryRuns; i++) {
      // Interleaved, alternating which goes first.
      if (i % 2) {
        ours.push(await run('provision'));
        trivial.push(await run('trivial'));
      } else {
        trivial.push(await run('trivial'));
        ours.push(await run('provision'));
      }
    }
    const wall = async (which: 'provision' | 'trivial') => {
      const started = performance.now();
      await Promise.all(Array.from({ length: 10 }, () => run(which)));
      return performance.now() - started;
    };
    const oursAtOnce: number[] = [];
    const trivialAtOnce: number[] = [];
    for (let i = 0; i < SAMPLES.concurrentRounds; i++) {
      oursAtOnce.push(await wall('provision'));
      trivialAtOnce.push(await wall('trivial'));
    }
    // Steady state first; then what a further run of as many keeps.
    for (let i = 0; i < SAMPLES.leakRuns; i++) await run('provision');
    const before = await backend.rss();
    for (let i = 0; i < SAMPLES.leakRuns; i++) await run('provision');
    const after = await backend.rss();
    const growth = (after - before) / 2 ** 20;
    return [
      ratioRow(
        `${mode.name}: provision dry run vs debug:log (median of ${SAMPLES.dryRuns})`,
        median(ours),
        median(trivial),
        2,
      ),
      ratioRow(
        `${mode.name}: 10 concurrent dry runs, wall time`,
        median(oursAtOnce),
        median(trivialAtOnce),
        2.5,
      ),
      {
        measure: `${mode.name}: memory of the warm preview worker`,
        value: `+${((warm - cold) / 2 ** 20).toFixed(0)} MB`,
        target: '(shown, no target)',
      },
      {
        measure: `${mode.name}: RSS after ${SAMPLES.leakRuns} more dry runs (GC'd)`,
        value: `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (${(
          after /
          2 ** 20
        ).toFixed(0)} MB)`,
        target: 'no retained growth (≤ +10 MB)',
        met: growth <= 10,
      },
    ];
  } finally {
    await backend.stop();
  }
}

/** Cold start and idle memory, with and without the golden path, alternated. */
async function startCosts(mode: Mode): Promise<Row[]> {
  const samples = {
    with: { start: [] as number[], rss: [] as number[] },
    without: { start: [] as number[], rss: [] as number[] },
  };
  for (let i = 0; i < SAMPLES.starts; i++) {
    for (const variant of ['without', 'with'] as const) {
      const { backend, startMilliseconds } = await Backend.start(
        mode,
        variant === 'with',
      );
      await new Promise(r => setTimeout(r, 2000));
      samples[variant].start.push(startMilliseconds);
      samples[variant].rss.push(await backend.rss());
      await backend.stop();
    }
  }
  const start = {
    with: median(samples.with.start),
    without: median(samples.without.start),
  };
  const extra =
    (median(samples.with.rss) - median(samples.without.rss)) / 2 ** 20;
  return [
    {
      ...ratioRow(
        `${mode.name}: cold start to ready, with vs without the golden path`,
        start.with,
        start.without,
        1.1,
      ),
    },
    {
      measure: `${mode.name}: idle RSS, with vs without the golden path`,
      value: `${extra >= 0 ? '+' : ''}${extra.toFixed(1)} MB (${(
        median(samples.with.rss) /
        2 ** 20
      ).toFixed(0)} vs ${(median(samples.without.rss) / 2 ** 20).toFixed(
        0,
      )} MB)`,
      target: '≤ +40 MB',
      met: extra <= 40,
    },
  ];
}

function printTable(rows: Row[]) {
  const header: Row = {
    measure: 'Measure',
    value: 'Measured',
    target: 'Target',
  };
  const verdict = (row: Row) => {
    if (row === header) return 'Met';
    if (row.met === undefined) return '';
    return row.met ? 'yes' : 'NO';
  };
  const widths = (['measure', 'value', 'target'] as const).map(key =>
    Math.max(...[header, ...rows].map(row => row[key].length)),
  );
  for (const row of [header, ...rows]) {
    console.log(
      [row.measure, row.value, row.target]
        .map((cell, i) => cell.padEnd(widths[i]))
        .concat(verdict(row))
        .join('  '),
    );
  }
}

async function main() {
  const rows: Row[] = [];
  for (const mode of MODES) {
    process.stderr.write(`Measuring the ${mode.name} start mode…\n`);
    rows.push(...(await dryRunCosts(mode)), ...(await startCosts(mode)));
  }
  const drift = await driftRoundCost(1000);
  rows.push({
    measure:
      'drift round over 1,000 environments, stand-in engine: own cost each',
    value: `${drift.millisecondsPerEnvironment.toFixed(
      2,
    )} ms, ${drift.queriesPerEnvironment.toFixed(1)} queries`,
    target: '(shown; the CLI per check comes on top)',
  });
  printTable(rows);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
