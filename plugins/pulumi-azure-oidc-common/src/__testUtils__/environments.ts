/** acme/payments/prod: an environment in a named project. */
export const NAMED = {
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
};

/** acme/default/prod: an environment in the legacy `default` project. */
export const LEGACY = { ...NAMED, project: 'default' };
