/**
 * One replica of the portal's backend for the two-replica test: the API
 * features, with the golden path's scaffolder module over the stand-in
 * engine whose stacks live in the PostgreSQL database the replicas share
 * (STAND_IN_DATABASE_URL), each change recorded as this replica's
 * (REPLICA_NAME) and taking STAND_IN_UPDATE_MS. Never part of the
 * production build.
 */
import { Pool } from 'pg';
import { apiFeatures } from '../src/features';
import { recordingChanges, sharedStandInStacks } from './sharedStandInStacks';
import { STAND_IN_IDENTITY, startBackendWithEngine } from './standInBackend';
import { createStandInEngine } from './standInEngine';

const { STAND_IN_DATABASE_URL, REPLICA_NAME, STAND_IN_UPDATE_MS } = process.env;
if (!STAND_IN_DATABASE_URL || !REPLICA_NAME) {
  throw new Error('STAND_IN_DATABASE_URL and REPLICA_NAME must be set');
}
const pool = new Pool({ connectionString: STAND_IN_DATABASE_URL, max: 4 });
const engine = createStandInEngine({
  ...STAND_IN_IDENTITY,
  stacks: sharedStandInStacks(pool),
  updateMs: Number(STAND_IN_UPDATE_MS ?? 0),
});
startBackendWithEngine(
  apiFeatures,
  recordingChanges(engine, REPLICA_NAME, pool),
);
