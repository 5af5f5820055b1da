import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/frontend-plugin-api';

/** The environments page, the portal's landing page. */
export const environmentsRouteRef = createRouteRef();

/** A template's form, in the scaffolder: Update and Decommission open one. */
export const templateRouteRef = createExternalRouteRef({
  params: ['namespace', 'templateName'],
  defaultTarget: 'scaffolder.selectedTemplate',
});

/** A task's page, in the scaffolder: the run that last changed an environment. */
export const taskRouteRef = createExternalRouteRef({
  params: ['taskId'],
  defaultTarget: 'scaffolder.ongoingTask',
});

/** The golden path's templates, as `templates/` registers them. */
export const TEMPLATES = {
  provision: { namespace: 'default', templateName: 'azure-esc-environment' },
  decommission: {
    namespace: 'default',
    templateName: 'decommission-esc-environment',
  },
} as const;
