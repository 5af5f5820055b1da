import { stackNameFor } from './stackNames';

describe('stackNameFor', () => {
  const ref = {
    organization: 'acme',
    project: 'payments',
    environment: 'prod',
  };

  it('is readable and stable', () => {
    // The first 12 hex digits of SHA-256('acme/payments/prod'), computed
    // outside the code under test (`printf acme/payments/prod | sha256sum`):
    // a stack renamed by a change to the function would be orphaned.
    expect(stackNameFor(ref)).toBe('acme.payments.prod-9e81e4851f8e');
  });

  it('tells apart references that read alike', () => {
    expect(
      stackNameFor({ organization: 'acme', project: 'a.b', environment: 'c' }),
    ).not.toBe(
      stackNameFor({ organization: 'acme', project: 'a', environment: 'b.c' }),
    );
  });

  it('gives references that differ only in letter case one stack, for stewardship to tell apart', () => {
    expect(stackNameFor({ ...ref, environment: 'Prod' })).toBe(
      'acme.payments.prod-9e81e4851f8e',
    );
    expect(
      stackNameFor({
        organization: 'ACME',
        project: 'Payments',
        environment: 'PROD',
      }),
    ).toBe('acme.payments.prod-9e81e4851f8e');
  });

  it("stays within Pulumi's limits for the longest names", () => {
    const name = stackNameFor({
      organization: 'o'.repeat(100),
      project: 'p'.repeat(100),
      environment: 'e'.repeat(100),
    });
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name).toMatch(/^[A-Za-z0-9_.-]+$/);
  });
});
