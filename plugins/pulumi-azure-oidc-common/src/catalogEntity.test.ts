import {
  makeValidator,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  ESC_ANNOTATIONS,
  escEnvironmentEntity,
  escEnvironmentEntityName,
} from './catalogEntity';

const ref = (project: string, environment: string) => ({
  organization: 'acme',
  project,
  environment,
});

describe('escEnvironmentEntityName', () => {
  const validator = makeValidator();

  it.each([
    ['payments', 'prod', 'payments-prod'],
    ['Payments', 'Prod.EU_1', 'payments-prod.eu_1'],
    ['default', 'staging', 'default-staging'],
  ])('names %s/%s %s', (project, environment, name) => {
    expect(escEnvironmentEntityName(ref(project, environment))).toBe(name);
  });

  it.each([
    ['a--b', 'c'],
    ['a', 'b.'],
    ['a_', '_b'],
    ['p'.repeat(100), 'e'.repeat(100)],
  ])('makes %s/%s valid and keeps it unique', (project, environment) => {
    const name = escEnvironmentEntityName(ref(project, environment));
    expect(validator.isValidEntityName(name)).toBe(true);
    expect(name).toMatch(/-[0-9a-f]{8}$/);
    expect(name).not.toBe(
      escEnvironmentEntityName(ref(`${project}x`, environment)),
    );
  });
});

describe('escEnvironmentEntity', () => {
  const entity = escEnvironmentEntity({
    environment: ref('payments', 'prod'),
    owner: 'group:default/payments-team',
    system: 'system:default/payments',
    clientId: 'client',
    tenantId: 'tenant',
    subscriptionId: 'subscription',
    stackName: 'acme.payments.prod-0123',
    environmentYaml: 'values: {}\n',
    links: [
      {
        title: 'ESC environment acme/payments/prod',
        url: 'https://app.pulumi.com/acme/esc/payments/prod',
      },
    ],
  });

  it('is a valid Resource', async () => {
    await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
      true,
    );
    const validator = makeValidator();
    for (const key of Object.keys(entity.metadata.annotations!)) {
      expect(validator.isValidAnnotationKey(key)).toBe(true);
    }
  });

  it('records the environment, its ids and its YAML, owned by the team', () => {
    expect(entity).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: 'payments-prod',
        title: 'acme/payments/prod',
        description:
          'Pulumi ESC environment acme/payments/prod, logging into Azure through OIDC.',
        annotations: {
          [ESC_ANNOTATIONS.organization]: 'acme',
          [ESC_ANNOTATIONS.project]: 'payments',
          [ESC_ANNOTATIONS.environment]: 'prod',
          [ESC_ANNOTATIONS.clientId]: 'client',
          [ESC_ANNOTATIONS.tenantId]: 'tenant',
          [ESC_ANNOTATIONS.subscriptionId]: 'subscription',
          [ESC_ANNOTATIONS.stackName]: 'acme.payments.prod-0123',
          [ESC_ANNOTATIONS.environmentYaml]: './environment.yaml',
        },
        links: [
          {
            title: 'ESC environment acme/payments/prod',
            url: 'https://app.pulumi.com/acme/esc/payments/prod',
          },
        ],
      },
      spec: {
        type: 'pulumi-esc-environment',
        owner: 'group:default/payments-team',
        system: 'system:default/payments',
        environmentYaml: 'values: {}\n',
      },
    });
  });

  it('leaves out the system when there is none, and keeps a given description', () => {
    const bare = escEnvironmentEntity({
      environment: ref('payments', 'dev'),
      description: 'Sandbox',
      owner: 'group:default/payments-team',
      clientId: 'c',
      tenantId: 't',
      subscriptionId: 's',
      stackName: 'n',
      environmentYaml: '',
      links: [],
    });
    expect(bare.spec).not.toHaveProperty('system');
    expect(bare.metadata.description).toBe('Sandbox');
  });
});
