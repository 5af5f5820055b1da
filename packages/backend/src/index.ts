import { createBackend } from '@backstage/backend-defaults';
import { portalFeatures } from './features';
import { routeThroughProxy } from './proxy';

// Before any plugin makes a call: HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
routeThroughProxy();

const backend = createBackend();
for (const feature of portalFeatures) {
  backend.add(feature);
}
backend.start();
