/**
 * The portal's API backend as `yarn bench` measures it: with the golden
 * path's modules, or without them (`--without-golden-path`). Started with
 * IPC, it answers `rss` with its resident memory after a full collection.
 */
import { createBackend } from '@backstage/backend-defaults';
import { platformFeatures } from '../src/platformFeatures';

const backend = createBackend();
for (const feature of platformFeatures) backend.add(feature);
if (!process.argv.includes('--without-golden-path')) {
  // Required here, so that the variant without it never loads its code.
  const { goldenPathFeatures } =
    require('../src/goldenPathFeatures') as typeof import('../src/goldenPathFeatures');
  for (const feature of goldenPathFeatures) backend.add(feature);
}
backend.start();

process.on('message', message => {
  if (message !== 'rss') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ rss: process.memoryUsage().rss });
});
