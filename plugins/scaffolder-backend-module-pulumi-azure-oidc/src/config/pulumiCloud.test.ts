import { ConfigReader } from '@backstage/config';
import { readPulumiAzureOidcConfig } from '.';

const read = (pulumiCloud: object) =>
  readPulumiAzureOidcConfig(
    new ConfigReader({ pulumiAzureOidc: { pulumiCloud } }),
  ).pulumiCloud;

describe('pulumiCloud.teams', () => {
  it('maps nothing by default', () => {
    expect(read({}).teams).toEqual([]);
  });

  it('reads groups as full entity references, a bare name being a group', () => {
    expect(
      read({
        accessToken: 'pul-token',
        teams: [
          { group: 'group:default/payments-team', team: 'payments' },
          { group: 'Billing-Team', team: ' billing ' },
          { group: 'group:finance/ledger', team: 'ledger' },
        ],
      }).teams,
    ).toEqual([
      { group: 'group:default/payments-team', team: 'payments' },
      { group: 'group:default/billing-team', team: 'billing' },
      { group: 'group:finance/ledger', team: 'ledger' },
    ]);
  });

  it.each([
    [
      'a map keyed by entity reference',
      { teams: { 'group:default/payments-team': 'payments' } },
      "pulumiAzureOidc.pulumiCloud.teams must be a list of { group, team }, such as [{ group: 'group:default/payments-team', team: payments }]",
    ],
    [
      'a user instead of a group',
      { teams: [{ group: 'user:default/ada', team: 'payments' }] },
      "pulumiAzureOidc.pulumiCloud.teams[0].group must be a group entity reference such as group:default/payments-team, got 'user:default/ada'",
    ],
    [
      'something that is not an entity reference',
      { teams: [{ group: 'group:', team: 'payments' }] },
      "pulumiAzureOidc.pulumiCloud.teams[0].group must be a group entity reference such as group:default/payments-team, got 'group:'",
    ],
    [
      'the same group twice',
      {
        teams: [
          { group: 'group:default/payments-team', team: 'payments' },
          { group: 'payments-team', team: 'payments-admins' },
        ],
      },
      'pulumiAzureOidc.pulumiCloud.teams[1].group maps group:default/payments-team again, already mapped by pulumiAzureOidc.pulumiCloud.teams[0]',
    ],
    [
      'an empty team',
      { teams: [{ group: 'payments-team', team: ' ' }] },
      'pulumiAzureOidc.pulumiCloud.teams[0].team must name a Pulumi Cloud team',
    ],
    [
      'a missing team',
      { teams: [{ group: 'payments-team' }] },
      "Missing required config value at 'pulumiAzureOidc.pulumiCloud.teams[0].team'",
    ],
  ])('refuses %s, naming the key', (_, pulumiCloud, message) => {
    expect(() => read({ accessToken: 'pul-token', ...pulumiCloud })).toThrow(
      message,
    );
  });

  it('refuses teams without the access token that would grant them', () => {
    expect(() =>
      read({ teams: [{ group: 'payments-team', team: 'payments' }] }),
    ).toThrow(
      'pulumiAzureOidc.pulumiCloud.teams needs pulumiAzureOidc.pulumiCloud.accessToken: the portal grants teams access to the environments it writes with that token',
    );
  });
});
