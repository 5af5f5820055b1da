import { nameCredentials, retiringCredentials } from './credentials';

const spec = (name: string, subject: string) => ({
  name,
  subject,
  issuer: 'https://api.pulumi.com/oidc',
  audience: 'azure:acme',
  description: '',
});

describe('credential names across runs', () => {
  it('names new credentials after what they trust', () => {
    expect(nameCredentials([spec('pulumi-esc-x', 'sub-1')], [])).toEqual([
      {
        ...spec('pulumi-esc-x', 'sub-1'),
        logicalName: 'credential-pulumi-esc-x',
      },
    ]);
  });

  it("keeps the stack's name for a subject it already trusts", () => {
    const recorded = {
      ...spec('old-name', 'sub-1'),
      logicalName: 'credential-old-name',
    };
    expect(
      nameCredentials([spec('pulumi-esc-x', 'sub-1')], [recorded]),
    ).toEqual([
      { ...spec('old-name', 'sub-1'), logicalName: 'credential-old-name' },
    ]);
  });

  it('never gives a new subject a name the stack holds for another', () => {
    const recorded = {
      ...spec('pulumi-esc-x', 'sub-1'),
      logicalName: 'credential-pulumi-esc-x',
    };
    const [planned] = nameCredentials(
      [spec('pulumi-esc-x', 'sub-2')],
      [recorded],
    );
    expect(planned.name).toMatch(/^pulumi-esc-x-[0-9a-f]{8}$/);
    expect(planned.logicalName).toBe(`credential-${planned.name}`);
    expect(retiringCredentials([planned], [recorded])).toEqual([recorded]);
  });
});
