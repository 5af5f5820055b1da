import appPlugin from '@backstage/plugin-app-backend';
import { goldenPathFeatures } from './goldenPathFeatures';
import { platformFeatures } from './platformFeatures';

/** Everything the golden path needs behind the portal, and nothing more. */
export const apiFeatures = [...platformFeatures, ...goldenPathFeatures];

/** The API features plus the app backend, which serves the built frontend. */
export const portalFeatures = [appPlugin, ...apiFeatures];
