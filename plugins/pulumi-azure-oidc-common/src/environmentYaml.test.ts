import { parse } from 'yaml';
import {
  portalMayOverwrite,
  portalWrote,
  readLoginBlock,
  renderEnvironmentYaml,
} from './environmentYaml';

const ids = {
  clientId: '00000000-0000-0000-0000-0000000000c1',
  tenantId: '00000000-0000-0000-0000-0000000000t1',
  subscriptionId: '11111111-2222-3333-4444-555555555555',
};

describe('renderEnvironmentYaml', () => {
  it('renders the azure-login block and the ARM variables', () => {
    expect(parse(renderEnvironmentYaml(ids))).toEqual({
      values: {
        azure: {
          login: {
            'fn::open::azure-login': {
              clientId: ids.clientId,
              tenantId: ids.tenantId,
              subscriptionId: ids.subscriptionId,
              oidc: true,
            },
          },
        },
        environmentVariables: {
          ARM_USE_OIDC: 'true',
          ARM_CLIENT_ID: '${azure.login.clientId}',
          ARM_TENANT_ID: '${azure.login.tenantId}',
          ARM_OIDC_TOKEN: '${azure.login.oidc.token}',
          ARM_SUBSCRIPTION_ID: '${azure.login.subscriptionId}',
        },
      },
    });
  });

  it('lists subject attributes in subjectAttributes mode', () => {
    const parsed = parse(
      renderEnvironmentYaml({
        ...ids,
        subjectAttributes: ['currentEnvironment.name', 'rootEnvironment.name'],
      }),
    );
    expect(
      parsed.values.azure.login['fn::open::azure-login'].subjectAttributes,
    ).toEqual(['currentEnvironment.name', 'rootEnvironment.name']);
  });

  it('reads Key Vault secrets through the same login', () => {
    const parsed = parse(
      renderEnvironmentYaml({
        ...ids,
        keyVault: { name: 'kv-payments', secrets: ['db-password', 'api-key'] },
      }),
    );
    expect(parsed.values.azure.secrets).toEqual({
      'fn::open::azure-secrets': {
        login: '${azure.login}',
        vault: 'kv-payments',
        get: {
          'db-password': { name: 'db-password' },
          'api-key': { name: 'api-key' },
        },
      },
    });
  });

  it('keeps YAML-special text as data', () => {
    const tricky = 'x: y\n- z # \'q\' "r" &a *b !!str {c}';
    const parsed = parse(renderEnvironmentYaml({ ...ids, clientId: tricky }));
    expect(parsed.values.azure.login['fn::open::azure-login'].clientId).toBe(
      tricky,
    );
  });

  it('keeps the string "true" a string and says who manages the file', () => {
    const text = renderEnvironmentYaml(ids);
    expect(text).toMatch(/^# Managed by the portal/);
    expect(text).toContain('ARM_USE_OIDC: "true"');
  });
});

describe('portalMayOverwrite', () => {
  it('allows what the portal wrote, what someone handed over, and an empty definition', () => {
    expect(portalMayOverwrite(renderEnvironmentYaml(ids))).toBe(true);
    expect(
      portalMayOverwrite('\n# Managed by the portal\nvalues:\n  a: 1\n'),
    ).toBe(true);
    expect(portalMayOverwrite(' \n')).toBe(true);
  });

  it('leaves alone environments written by hand', () => {
    expect(portalMayOverwrite('values:\n  a: 1\n')).toBe(false);
    expect(portalMayOverwrite('# Managed by hand\nvalues: {}\n')).toBe(false);
  });
});

describe('reading a definition back', () => {
  const yaml = renderEnvironmentYaml({
    clientId: 'client',
    tenantId: 'tenant',
    subscriptionId: 'subscription',
  });

  it('finds the login block where the portal renders it', () => {
    expect(readLoginBlock(yaml)).toMatchObject({
      clientId: 'client',
      tenantId: 'tenant',
      subscriptionId: 'subscription',
      oidc: true,
    });
    expect(readLoginBlock('values: { other: 1 }')).toBeUndefined();
    expect(readLoginBlock('values: [unclosed')).toBeUndefined();
  });

  it('knows a definition the portal wrote from one it did not', () => {
    expect(portalWrote(yaml)).toBe(true);
    expect(portalWrote('values: {}')).toBe(false);
    expect(portalWrote('')).toBe(false);
  });
});
