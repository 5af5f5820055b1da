import { readStackState } from './stackState';

const deployment = (resources: object[]) => ({
  version: 3,
  deployment: { manifest: {}, resources },
});
const stackResource = (outputs: object) => ({
  urn: 'urn:pulumi:s::esc-azure-oidc::pulumi:pulumi:Stack::esc-azure-oidc-s',
  type: 'pulumi:pulumi:Stack',
  outputs,
});
const provider = {
  urn: 'urn:pulumi:s::esc-azure-oidc::pulumi:providers:azuread::default',
  type: 'pulumi:providers:azuread',
};
const application = (tags: string[]) => ({
  urn: 'urn:pulumi:s::esc-azure-oidc::azuread:index/application:Application::application',
  type: 'azuread:index/application:Application',
  inputs: { tags },
  outputs: { tags },
});

describe('readStackState', () => {
  it('reads nothing from a new stack', () => {
    expect(readStackState(deployment([]))).toEqual({
      resources: 0,
      owner: undefined,
      environmentRef: undefined,
    });
    expect(readStackState({ version: 3, deployment: {} })).toMatchObject({
      resources: 0,
    });
  });

  it('reads the owner and the environment its last update recorded', () => {
    expect(
      readStackState(
        deployment([
          stackResource({
            owner: 'group:default/payments-team',
            environmentRef: 'acme/payments/prod',
          }),
          provider,
          application([
            'pulumi-esc-oidc',
            'backstage-owner:group:default/old-team',
          ]),
          { type: 'azuread:index/servicePrincipal:ServicePrincipal' },
        ]),
      ),
    ).toEqual({
      resources: 2,
      owner: 'group:default/payments-team',
      environmentRef: 'acme/payments/prod',
    });
  });

  it("falls back to the application's owner tag where no update finished", () => {
    expect(
      readStackState(
        deployment([
          stackResource({}),
          provider,
          application([
            'pulumi-esc-oidc',
            'backstage-owner:group:default/payments-team',
          ]),
        ]),
      ),
    ).toEqual({
      resources: 1,
      owner: 'group:default/payments-team',
      environmentRef: undefined,
    });
  });

  it('says when a stack holds resources but names no owner', () => {
    expect(
      readStackState(
        deployment([
          stackResource({}),
          { type: 'azure-native:authorization:RoleAssignment' },
        ]),
      ),
    ).toEqual({ resources: 1, owner: undefined, environmentRef: undefined });
  });
});
