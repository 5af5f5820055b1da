/**
 * The portal's backend for the browser journey: the production features,
 * except that the golden path's scaffolder module runs the stand-in engine
 * instead of the Pulumi Automation API, so that a run can finish, be
 * updated and be decommissioned without a cloud. Never part of the
 * production build (`src/index.ts` is its entry point).
 */
import { portalFeatures } from '../src/features';
import { STAND_IN_IDENTITY, startBackendWithEngine } from './standInBackend';
import { standInEngine } from './standInEngine';

startBackendWithEngine(portalFeatures, standInEngine(STAND_IN_IDENTITY).engine);
