import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';

/** Registers the Pulumi ESC ⇄ Azure OIDC actions with the scaffolder. */
export default createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'pulumi-azure-oidc',
  register(reg) {
    reg.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions();
      },
    });
  },
});
