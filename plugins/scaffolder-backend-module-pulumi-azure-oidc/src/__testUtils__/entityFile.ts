/** An ESC environment's entity file, as writeCatalogInfo writes it (in short). */
export const entityFile = (
  owner: string,
  {
    name = 'payments-prod',
    note = 'new',
    kind = 'Resource',
    environment = 'prod',
  } = {},
) =>
  [
    `kind: ${kind} # ${note}`,
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    '    esc-azure-oidc.dev/organization: acme',
    '    esc-azure-oidc.dev/project: payments',
    `    esc-azure-oidc.dev/environment: ${environment}`,
    'spec:',
    `  owner: ${owner}`,
    '',
  ].join('\n');
