import { escEnvironmentsMock } from '../__testUtils__/provisioning';
import { grantOwnerTeamOpen, TeamGrantFailedError } from './ownerTeamAccess';

const environment = {
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
};
const teams = [{ group: 'group:default/payments-team', team: 'payments' }];

describe('grantOwnerTeamOpen', () => {
  const grant = async (owner: string, outcome: any = 'granted') => {
    const escEnvironments = escEnvironmentsMock();
    escEnvironments.grantTeamOpen.mockResolvedValue(outcome);
    const lines: string[] = [];
    const result = await grantOwnerTeamOpen({
      escEnvironments,
      teams,
      environment,
      owner,
      log: { info: line => lines.push(line) },
    });
    return { result, lines, calls: escEnvironments.grantTeamOpen.mock.calls };
  };

  it.each([
    [
      'granted',
      "Granted the Pulumi Cloud team 'payments' (group:default/payments-team) open on acme/payments/prod",
    ],
    [
      'raised',
      "Raised the Pulumi Cloud team 'payments' (group:default/payments-team) to open on acme/payments/prod",
    ],
    [
      'unchanged',
      "The Pulumi Cloud team 'payments' (group:default/payments-team) already may open acme/payments/prod",
    ],
    [
      'broader',
      "The Pulumi Cloud team 'payments' (group:default/payments-team) holds more than open on acme/payments/prod, as an administrator granted it; left as it is",
    ],
  ])(
    "grants the owner's team open and says what it did: %s",
    async (outcome, line) => {
      const { result, lines, calls } = await grant(
        'group:default/payments-team',
        outcome,
      );
      expect(result).toBe(outcome);
      expect(calls).toEqual([[environment, 'payments', undefined]]);
      expect(lines).toEqual([line]);
    },
  );

  it('finds the team whatever the case of the reference', async () => {
    const { calls } = await grant('group:default/Payments-Team');
    expect(calls).toHaveLength(1);
  });

  it('grants nothing to an owner without a team: a user, or an unmapped group', async () => {
    for (const owner of ['user:default/ada', 'group:default/billing-team']) {
      const { result, calls, lines } = await grant(owner);
      expect(result).toBeUndefined();
      expect(calls).toEqual([]);
      expect(lines).toHaveLength(1);
    }
  });

  it('keeps the cause of a failed grant', async () => {
    const escEnvironments = escEnvironmentsMock();
    const cause = new Error('Teams are not available to individual orgs.');
    escEnvironments.grantTeamOpen.mockRejectedValue(cause);
    const failure = grantOwnerTeamOpen({
      escEnvironments,
      teams,
      environment,
      owner: 'group:default/payments-team',
      log: { info: () => {} },
    });
    await expect(failure).rejects.toBeInstanceOf(TeamGrantFailedError);
    await expect(failure).rejects.toMatchObject({
      cause,
      message: expect.stringContaining(
        'open on it failed: Teams are not available to individual orgs. Check',
      ),
    });
  });
});
