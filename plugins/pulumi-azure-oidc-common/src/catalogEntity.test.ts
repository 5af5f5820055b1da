import {
  makeValidator,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  ESC_ANNOTATIONS,
  recordedSubject,
  escEnvironmentEntity,
  escEnvironmentEntityName,
  legacyEscEnvironmentEntityName,
  toEntityRef,
} from './catalogEntity';

const ref = (project: string, environment: string) => ({
  organization: 'acme',
  project,
  environment,
});

describe('escEnvironmentEntityName', () => {
  const validator = makeValidator();

  it.each([
    ['payments', 'prod', /^payments-prod-[0-9a-f]{16}$/],
    ['Payments', 'Prod.EU_1', /^payments-prod\.eu_1-[0-9a-f]{16}$/],
    ['a--b', 'c', /^a-b-c-[0-9a-f]{16}$/],
    ['a_', '_b', /^a-b-[0-9a-f]{16}$/],
  ])('names %s/%s readably', (project, environment, pattern) => {
    const name = escEnvironmentEntityName(ref(project, environment));
    expect(name).toMatch(pattern);
    expect(validator.isValidEntityName(name)).toBe(true);
  });

  it('stays within 63 characters', () => {
    const name = escEnvironmentEntityName(
      ref('p'.repeat(100), 'e'.repeat(100)),
    );
    expect(name.length).toBeLessThanOrEqual(63);
    expect(validator.isValidEntityName(name)).toBe(true);
  });

  it('gives references that differ only in letter case one name, as the catalog would', () => {
    expect(escEnvironmentEntityName(ref('Payments', 'Prod'))).toBe(
      'payments-prod-9e81e4851f8e09dd',
    );
    expect(escEnvironmentEntityName(ref('PAYMENTS', 'pRoD'))).toBe(
      'payments-prod-9e81e4851f8e09dd',
    );
  });

  it.each([
    [ref('a-b', 'c'), ref('a', 'b-c')],
    [ref('app', 'dev'), { ...ref('app', 'dev'), organization: 'other-org' }],
  ])('tells apart %o and %o, which read alike', (first, second) => {
    expect(escEnvironmentEntityName(first)).not.toBe(
      escEnvironmentEntityName(second),
    );
  });

  it('keeps apart references whose 32-bit fingerprints collide, as they did in earlier releases', () => {
    // Found by search against FNV-1a: both gave payments-prod-926b7285.
    const real = ref('payments', 'prod');
    const colliding = ref('payments', 'prod._-.._._.._.-_.._.....');
    expect(legacyEscEnvironmentEntityName(colliding)).toBe(
      legacyEscEnvironmentEntityName(real),
    );
    expect(escEnvironmentEntityName(colliding)).not.toBe(
      escEnvironmentEntityName(real),
    );
  });

  it('is the same on every run, and so is the name earlier releases gave', () => {
    // Computed outside the code under test: the first 16 hex digits of
    // SHA-256('acme/payments/prod') (`printf acme/payments/prod | sha256sum`)
    // and its FNV-1a (32 bits). A change to either function would orphan
    // entities in the catalog, or lose track of those to move.
    expect(escEnvironmentEntityName(ref('payments', 'prod'))).toBe(
      'payments-prod-9e81e4851f8e09dd',
    );
    expect(legacyEscEnvironmentEntityName(ref('payments', 'prod'))).toBe(
      'payments-prod-926b7285',
    );
  });
});

describe('escEnvironmentEntity', () => {
  // What the run established and what was asked, kept verbatim in the spec.
  const recorded = {
    trust: {
      issuer: 'https://api.pulumi.com/oidc',
      audience: 'azure:acme',
      subjects: ['pulumi:environments:pulumi.organization.login:acme:x'],
    },
    azureAccess: [
      {
        role: 'Reader',
        roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
        scope: '/subscriptions/subscription',
      },
    ],
    request: { project: 'payments', environment: 'prod' },
  };
  const entity = escEnvironmentEntity({
    environment: ref('payments', 'prod'),
    owner: 'group:default/payments-team',
    system: 'system:default/payments',
    clientId: 'client',
    tenantId: 'tenant',
    subscriptionId: 'subscription',
    stackName: 'acme.payments.prod-0123',
    subjectMode: 'subjectAttributes',
    subjectAttributes: ['currentEnvironment.name'],
    environmentYaml: 'values: {}\n',
    links: [
      {
        title: 'ESC environment acme/payments/prod',
        url: 'https://app.pulumi.com/acme/esc/payments/prod',
      },
    ],
    ...recorded,
    task: { id: 'task-1', at: '2026-11-30T08:00:00.000Z' },
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
        name: escEnvironmentEntityName(ref('payments', 'prod')),
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
          [ESC_ANNOTATIONS.subjectMode]: 'subjectAttributes',
          [ESC_ANNOTATIONS.subjectAttributes]: 'currentEnvironment.name',
          [ESC_ANNOTATIONS.environmentYaml]: './environment.yaml',
          [ESC_ANNOTATIONS.taskId]: 'task-1',
          [ESC_ANNOTATIONS.updatedAt]: '2026-11-30T08:00:00.000Z',
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
        ...recorded,
      },
    });
  });

  it('records how tokens name the environment, for the next run to keep', () => {
    expect(recordedSubject(entity.metadata.annotations)).toEqual({
      subjectMode: 'subjectAttributes',
      subjectAttributes: ['currentEnvironment.name'],
    });
    expect(
      recordedSubject({ [ESC_ANNOTATIONS.subjectMode]: 'something-else' }),
    ).toEqual({});
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
      subjectMode: 'environment',
      subjectAttributes: [],
      environmentYaml: '',
      links: [],
      trust: { issuer: 'i', audience: 'a', subjects: [] },
      azureAccess: [],
      request: {},
    });
    expect(bare.spec).not.toHaveProperty('system');
    expect(bare.metadata.annotations).not.toHaveProperty(
      ESC_ANNOTATIONS.taskId,
    );
    expect(bare.metadata.description).toBe('Sandbox');
  });
});

describe('toEntityRef', () => {
  it.each([
    ['payments-team', 'group:default/payments-team'],
    ['Payments-Team', 'group:default/payments-team'],
    ['group:platform/payments', 'group:platform/payments'],
    ['user:ada', 'user:default/ada'],
  ])('reads %j as %j', (value, expected) => {
    expect(toEntityRef(value, 'group')).toBe(expected);
  });

  it.each([
    '',
    'a b',
    '- item',
    'group:default/',
    'a:b:c',
    '../../etc/passwd',
    '${{ parameters.owner }}',
    'paymen\u212at',
    'team\u0000',
    'x'.repeat(64),
  ])('refuses %j, which the catalog could not hold', value => {
    expect(toEntityRef(value, 'group')).toBeUndefined();
  });
});
