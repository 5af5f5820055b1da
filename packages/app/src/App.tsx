import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';

/**
 * Frontend plugins are discovered from this package's dependencies
 * (`app.packages: all`); the modules here only customise the shell.
 */
export default createApp({
  features: [navModule],
});
