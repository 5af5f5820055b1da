import {
  emptyStackState,
  EnvironmentEngine,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import { previewUpgrade } from '../dev/upgradePreview';

const env = (environment: string) => ({
  organization: 'acme',
  project: 'payments',
  environment,
});

describe('the upgrade preview', () => {
  it('refreshes each stack as a preview and says which differ, which cannot be read, and which are unchanged', async () => {
    const refreshed: string[] = [];
    const engine: Pick<EnvironmentEngine, 'refresh' | 'outputs'> = {
      outputs: async ({ environment }) =>
        environment === 'new'
          ? emptyStackState()
          : { ...emptyStackState(), resources: 4 },
      refresh: async ({ environment }) => {
        refreshed.push(environment);
        if (environment === 'locked') {
          throw new Error('the stack is locked by another update');
        }
        return {
          stackName: `acme.payments.${environment}`,
          drift:
            environment === 'prod'
              ? [
                  {
                    change: 'changed',
                    resource: {
                      type: 'azure-native:authorization:RoleAssignment',
                      name: 'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-x',
                      changed: ['principalType'],
                    } as any,
                  },
                ]
              : [],
        };
      },
    };
    const lines: string[] = [];
    const summary = await previewUpgrade(
      engine,
      [env('prod'), env('dev'), env('new'), env('locked')],
      line => lines.push(line),
    );
    expect(summary).toEqual({
      unchanged: ['acme/payments/dev', 'acme/payments/new'],
      differing: ['acme/payments/prod'],
      unreadable: ['acme/payments/locked'],
    });
    // A stack that holds nothing is not refreshed.
    expect(refreshed).toEqual(['prod', 'dev', 'locked']);
    expect(lines).toEqual([
      expect.stringMatching(
        /^acme\/payments\/prod: changed: .*\(principalType\)$/,
      ),
      'acme/payments/dev: unchanged',
      'acme/payments/new: no stack, nothing to compare',
      'acme/payments/locked: cannot be read: the stack is locked by another update',
    ]);
  });
});
