import { stackNameFor } from './stackNames';

describe('stackNameFor', () => {
  const ref = {
    organization: 'acme',
    project: 'payments',
    environment: 'prod',
  };

  it('is readable and stable', () => {
    expect(stackNameFor(ref)).toMatch(/^acme\.payments\.prod-[0-9a-f]{12}$/);
    expect(stackNameFor(ref)).toBe(stackNameFor({ ...ref }));
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
      stackNameFor(ref),
    );
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
