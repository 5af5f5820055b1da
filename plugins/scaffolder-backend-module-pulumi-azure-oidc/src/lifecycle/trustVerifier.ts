/**
 * Whether an environment's trust works now, link by link: the stack holds
 * the identity; the ESC definition is the portal's and logs in as it;
 * opening the environment yields Pulumi Cloud's token; the token's claims
 * match a federated credential; Entra exchanges it; and the service
 * principal holds exactly the role assignments the stack records; and
 * whether the organization's default lets every member open it.
 *
 * Role assignments are read as the deployer: the identity's own token may
 * hold only data-plane roles (Key Vault Secrets User) and get 403 from ARM,
 * which must not read as "missing".
 */
import {
  checkClaims,
  EscEnvironmentRef,
  formatEnvironmentRef,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { ResourceManager } from '../azure/resourceManager';
import { EnvironmentEngine } from '../engine/engine';
import { StackState } from '../engine/stackModel';
import { HttpClient } from '../http/httpClient';
import { EscEnvironments } from '../pulumiCloud/escEnvironments';
import { SecretRedactor } from '../secrets';
import { EntraRefusedError, exchangeWithEntra } from '../trust/entraExchange';
import { readPulumiToken } from '../trust/pulumiToken';
import { CheckList, CheckResult } from './checks';
import { definitionProblem } from './definitionCheck';
import { checkDefaultPermission } from './defaultPermissionCheck';
import { checkRoleAssignments } from './roleAssignmentCheck';

export interface TrustVerifierOptions {
  engine: EnvironmentEngine;
  /** Present when a Pulumi Cloud token is configured. */
  escEnvironments?: EscEnvironments;
  /** ARM as the deployer; the role assignment check is skipped without it. */
  resourceManager?: ResourceManager;
  issuer: string;
  endpoints: { login: string; resourceManager: string };
  roles: RoleCatalogue;
  http: HttpClient;
  redactor: SecretRedactor;
}

export const CHECKS = {
  stack: 'stack',
  definition: 'ESC definition',
  token: 'OIDC token',
  claims: 'token claims',
  exchange: 'Entra exchange',
  roleAssignments: 'role assignments',
  defaultPermission: 'default access',
} as const;

const NO_TOKEN =
  'not run: no Pulumi Cloud access token is configured (pulumiAzureOidc.pulumiCloud.accessToken)';

export class TrustVerifier {
  constructor(private readonly options: TrustVerifierOptions) {}

  async verify(
    environment: EscEnvironmentRef,
    options: {
      signal?: AbortSignal;
      /** What the stack records, when the caller read it already. */
      state?: StackState;
      /** Open this environment, which imports the one verified, instead. */
      openedAs?: EscEnvironmentRef;
    } = {},
  ): Promise<CheckResult> {
    const { signal } = options;
    const checks = new CheckList();
    const state =
      options.state ??
      (await this.options.engine.outputs(environment, { signal }));
    const identity = state.identity;
    if (identity) {
      checks.passed(
        CHECKS.stack,
        `the stack holds the application ${identity.clientId} and its service principal ${identity.servicePrincipalObjectId}`,
      );
    } else {
      checks.failed(
        CHECKS.stack,
        state.resources > 0
          ? `the stack of ${formatEnvironmentRef(
              environment,
            )} holds resources but no finished update: run the template again to complete it`
          : `no stack holds an identity for ${formatEnvironmentRef(
              environment,
            )}: run the template to provision it`,
      );
      for (const name of Object.values(CHECKS).slice(1)) {
        checks.skipped(name, 'not run: no identity to check');
      }
      return checks.result();
    }

    const token = await this.tokenChecks(environment, state, checks, {
      signal,
      openedAs: options.openedAs,
    });
    await this.claimsAndExchange(token, state, checks, signal);
    await checks.run(CHECKS.roleAssignments, () =>
      checkRoleAssignments(this.options, state, checks, signal),
    );
    // Who else may open it: every member, when the organization's default lets them.
    const { escEnvironments } = this.options;
    if (!escEnvironments) checks.skipped(CHECKS.defaultPermission, NO_TOKEN);
    else {
      await checks.run(CHECKS.defaultPermission, () =>
        checkDefaultPermission(
          CHECKS.defaultPermission,
          escEnvironments,
          environment,
          checks,
          signal,
        ),
      );
    }
    const result = checks.result();
    // What services said may quote what must not be shown.
    return {
      ...result,
      checks: result.checks.map(check => ({
        ...check,
        detail: this.options.redactor.redact(check.detail),
      })),
    };
  }

  /** The definition, then opening it: the token Pulumi Cloud issues. */
  private async tokenChecks(
    environment: EscEnvironmentRef,
    state: StackState,
    checks: CheckList,
    {
      signal,
      openedAs,
    }: { signal?: AbortSignal; openedAs?: EscEnvironmentRef },
  ): Promise<string | undefined> {
    const { escEnvironments } = this.options;
    if (!escEnvironments) {
      checks.skipped(CHECKS.definition, NO_TOKEN);
      checks.skipped(CHECKS.token, NO_TOKEN);
      return undefined;
    }
    await checks.run(CHECKS.definition, async () => {
      const current = await escEnvironments.read(environment, signal);
      const problem = definitionProblem(current?.yaml, state);
      if (problem) checks.failed(CHECKS.definition, problem);
      else {
        checks.passed(
          CHECKS.definition,
          "the portal's definition logs in as the stack's application, tenant and subscription",
        );
      }
    });
    let token: string | undefined;
    await checks.run(CHECKS.token, async () => {
      const values = (await escEnvironments.open(
        openedAs ?? environment,
        signal,
      )) as {
        azure?: { login?: { oidc?: { token?: unknown } } };
      };
      const found = values.azure?.login?.oidc?.token;
      if (typeof found !== 'string' || !found) {
        checks.failed(
          CHECKS.token,
          'opening the environment yields no azure.login.oidc.token: its definition has no OIDC login where the portal renders it',
        );
        return;
      }
      // Short-lived, but a credential: never shown.
      this.options.redactor.add(found);
      token = found;
      checks.passed(CHECKS.token, 'opening the environment yields a token');
    });
    return token;
  }

  private async claimsAndExchange(
    token: string | undefined,
    state: StackState,
    checks: CheckList,
    signal?: AbortSignal,
  ) {
    if (!token) {
      const why = checks.hasPassed(CHECKS.token)
        ? 'not run'
        : `not run: no token (${CHECKS.token})`;
      checks.skipped(CHECKS.claims, why);
      checks.skipped(CHECKS.exchange, why);
      return;
    }
    const { issuer, http, endpoints } = this.options;
    await checks.run(CHECKS.claims, async () => {
      const claims = await readPulumiToken(token, { issuer, http, signal });
      const mismatch = checkClaims(claims, state.credentials);
      if (mismatch) {
        checks.failed(
          CHECKS.claims,
          `the token's ${mismatch.claim} is '${
            mismatch.actual
          }', where the credentials expect ${mismatch.expected
            .map(value => `'${value}'`)
            .join(' or ')}: Entra would answer ${mismatch.entraError}. ${
            mismatch.fix
          }`,
        );
      } else {
        checks.passed(
          CHECKS.claims,
          `iss ${claims.iss}, aud ${claims.aud} and sub ${claims.sub} match a federated credential; the signature verifies with the issuer's keys`,
        );
      }
    });
    const identity = state.identity!;
    await checks.run(CHECKS.exchange, async () => {
      try {
        await exchangeWithEntra({
          http,
          loginEndpoint: endpoints.login,
          tenantId: identity.tenantId,
          clientId: identity.clientId,
          assertion: token,
          resource: endpoints.resourceManager,
          signal,
        });
        checks.passed(
          CHECKS.exchange,
          `Entra issued a token for the application ${identity.clientId}`,
        );
      } catch (error) {
        if (!(error instanceof EntraRefusedError)) throw error;
        checks.failed(CHECKS.exchange, error.message);
      }
    });
  }
}
