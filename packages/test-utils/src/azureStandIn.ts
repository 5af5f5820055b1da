/**
 * Microsoft Entra ID, Microsoft Graph, Azure Resource Manager and the
 * instance metadata service on loopback, as far as the golden path reads
 * them: tokens for the deploying principal, applications and their
 * federated credentials, role assignments. The objects are in memory, for
 * tests to arrange and inspect, and for stand-in stacks to create.
 *
 * Answers follow the services' documented shapes: Graph collections as
 * `{ value: [...] }`, errors as `{ error: { code, message } }`; Entra's
 * token endpoint as OAuth 2.0 (`access_token`, `expires_in`, or `error` and
 * `error_description`); IMDS tokens with `expires_on`.
 */
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { httpServer, Loopback } from './loopback';

export interface StandInCredential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface StandInApplication {
  /** The object id. */
  id: string;
  appId: string;
  displayName: string;
  tags: string[];
  federatedIdentityCredentials: StandInCredential[];
}

export interface StandInRoleAssignment {
  /** `<scope>/providers/Microsoft.Authorization/roleAssignments/<name>`. */
  id: string;
  name: string;
  properties: {
    scope: string;
    principalId: string;
    principalType: string;
    roleDefinitionId: string;
  };
}

export interface AzureStandIn extends Loopback {
  tenantId: string;
  /** The deploying principal, and the secret or federated token that signs it in. */
  deployer: {
    clientId: string;
    clientSecret: string;
    federatedToken: string;
    objectId: string;
  };
  endpoints: {
    login: string;
    graph: string;
    resourceManager: string;
    managedIdentity: string;
  };
  applications: StandInApplication[];
  servicePrincipals: Array<{ id: string; appId: string }>;
  roleAssignments: StandInRoleAssignment[];
  /** `METHOD path` of every request, in order. */
  requests: string[];
  /** Answers a route (`METHOD path`) with a status and an ARM error instead. */
  fail: Record<string, { status: number; code: string; message: string }>;
}

/** What the built-in roles allow, as ARM's permissions API lists it. */
const ROLE_PERMISSIONS: Record<
  string,
  { actions: string[]; dataActions: string[] }
> = {
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': {
    actions: ['*/read'],
    dataActions: [],
  },
  'b24988ac-6180-42a0-ab88-20f7382dd24c': { actions: ['*'], dataActions: [] },
  '4633458b-17de-408a-b874-0445c86b69e6': {
    actions: [],
    dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action'],
  },
};

const json = (response: ServerResponse, status: number, body: unknown) =>
  response
    .writeHead(status, { 'Content-Type': 'application/json' })
    .end(JSON.stringify(body));

const notFound = (response: ServerResponse, code: string, message: string) =>
  json(response, 404, { error: { code, message } });

export async function azureStandIn(): Promise<AzureStandIn> {
  const tenantId = randomUUID();
  const deployer = {
    clientId: randomUUID(),
    clientSecret: `deployer-secret-${randomUUID()}`,
    federatedToken: `federated-token-${randomUUID()}`,
    objectId: randomUUID(),
  };
  /** Each access token, and the principal (object id) it stands for. */
  const issued = new Map<string, string>();
  const issue = (resource: string, principal: string = deployer.objectId) => {
    const token = `token-${resource}-${randomUUID()}`;
    issued.set(token, principal);
    return token;
  };
  const state = {
    applications: [] as StandInApplication[],
    servicePrincipals: [] as Array<{ id: string; appId: string }>,
    roleAssignments: [] as StandInRoleAssignment[],
    requests: [] as string[],
    fail: {} as AzureStandIn['fail'],
  };

  const server = await httpServer((request, response) => {
    const url = new URL(request.url!, 'http://stand-in');
    const path = decodeURIComponent(url.pathname);
    state.requests.push(`${request.method} ${path}`);
    const failure = state.fail[`${request.method} ${path}`];
    if (failure) {
      json(response, failure.status, {
        error: { code: failure.code, message: failure.message },
      });
      return;
    }

    if (
      request.method === 'POST' &&
      path === `/${tenantId}/oauth2/v2.0/token`
    ) {
      const form = new URLSearchParams(request.body);
      const application = state.applications.find(
        app => app.appId === form.get('client_id'),
      );
      if (application) {
        exchange(application, form).then(
          ({ status, body }) => json(response, status, body),
          error => json(response, 500, { error: String(error) }),
        );
        return;
      }
      const signedIn =
        form.get('client_secret') === deployer.clientSecret ||
        (form.get('client_assertion_type') ===
          'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' &&
          form.get('client_assertion') === deployer.federatedToken);
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_id') !== deployer.clientId ||
        !signedIn
      ) {
        json(response, 401, {
          error: 'invalid_client',
          error_description:
            'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.',
        });
        return;
      }
      const scope = form.get('scope') ?? '';
      json(response, 200, {
        token_type: 'Bearer',
        expires_in: 3599,
        access_token: issue(scope.replace(/\/\.default$/, '')),
      });
      return;
    }
    if (path === '/metadata/identity/oauth2/token') {
      if (request.headers.metadata !== 'true') {
        json(response, 400, { error: 'invalid_request' });
        return;
      }
      json(response, 200, {
        access_token: issue(url.searchParams.get('resource') ?? ''),
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        token_type: 'Bearer',
      });
      return;
    }

    const bearer = request.headers.authorization?.replace(/^Bearer /, '');
    const principal = bearer && issued.get(bearer);
    if (!principal) {
      json(response, 401, {
        error: {
          code: 'InvalidAuthenticationToken',
          message: 'Access token is missing or invalid.',
        },
      });
      return;
    }

    const applications =
      /^\/v1\.0\/applications(?:\/([^/]+))?(\/federatedIdentityCredentials)?$/.exec(
        path,
      );
    if (request.method === 'GET' && applications) {
      const [, id, credentials] = applications;
      if (!id) {
        const name = /^displayName eq '(.*)'$/
          .exec(url.searchParams.get('$filter') ?? '')?.[1]
          ?.replace(/''/g, "'");
        json(response, 200, {
          value: state.applications
            .filter(app => name === undefined || app.displayName === name)
            .map(({ federatedIdentityCredentials: _, ...app }) => app),
        });
        return;
      }
      const application = state.applications.find(app => app.id === id);
      if (!application) {
        notFound(
          response,
          'Request_ResourceNotFound',
          `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        );
        return;
      }
      const { federatedIdentityCredentials, ...app } = application;
      json(
        response,
        200,
        credentials ? { value: federatedIdentityCredentials } : app,
      );
      return;
    }

    const assignment =
      /^(\/subscriptions\/.+\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+))$/.exec(
        path,
      );
    if (request.method === 'GET' && assignment) {
      const found = state.roleAssignments.find(
        a => a.id.toLowerCase() === assignment[1].toLowerCase(),
      );
      if (found) json(response, 200, found);
      else
        notFound(
          response,
          'RoleAssignmentNotFound',
          `The role assignment '${assignment[2]}' is not found.`,
        );
      return;
    }
    const list =
      /^(\/subscriptions\/.+)\/providers\/Microsoft\.Authorization\/roleAssignments$/.exec(
        path,
      );
    if (request.method === 'GET' && list) {
      // List For Scope with `principalId eq '<id>'`: the principal's
      // assignments at, above or below the scope, in pages of two.
      const principalId = /^principalId eq '(.+)'$/.exec(
        url.searchParams.get('$filter') ?? '',
      )?.[1];
      const scope = `${list[1].toLowerCase()}/`;
      const matching = state.roleAssignments.filter(a => {
        const at = `${a.properties.scope.toLowerCase()}/`;
        return (
          a.properties.principalId === principalId &&
          (at.startsWith(scope) || scope.startsWith(at))
        );
      });
      const skip = Number(url.searchParams.get('$skipToken') ?? 0);
      const next = new URL(`${server.url}${path}`);
      url.searchParams.forEach((value, key) =>
        next.searchParams.set(key, value),
      );
      next.searchParams.set('$skipToken', String(skip + 2));
      json(response, 200, {
        value: matching.slice(skip, skip + 2),
        ...(skip + 2 < matching.length ? { nextLink: next.href } : {}),
      });
      return;
    }
    const permissions =
      /^(\/subscriptions\/.+)\/providers\/Microsoft\.Authorization\/permissions$/.exec(
        path,
      );
    if (request.method === 'GET' && permissions) {
      json(response, 200, { value: permissionsAt(permissions[1], principal) });
      return;
    }
    json(response, 404, {
      error: { code: 'NotFound', message: `No stand-in for ${path}` },
    });
  });

  /**
   * The client credentials grant with a client assertion, as Entra judges a
   * federated token: signature by the issuer's published keys (discovery),
   * then a credential matching issuer, subject, audience, exactly; the
   * AADSTS codes and words of login.microsoftonline.com/error?code=7002xx.
   */
  async function exchange(
    application: StandInApplication,
    form: URLSearchParams,
  ): Promise<{ status: number; body: unknown }> {
    const refuse = (code: string, description: string) => ({
      status: 400,
      body: {
        error: 'invalid_client',
        error_description: `AADSTS${code}: ${description}`,
        error_codes: [Number(code)],
      },
    });
    const assertion = form.get('client_assertion') ?? '';
    let claims;
    try {
      claims = decodeJwt(assertion);
    } catch {
      return refuse('50027', 'JWT token is invalid or malformed.');
    }
    const byIssuer = application.federatedIdentityCredentials.filter(
      c => c.issuer === claims.iss,
    );
    if (byIssuer.length === 0) {
      return refuse(
        '700211',
        `No matching federated identity record found for presented assertion issuer '${claims.iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      );
    }
    try {
      const discovery = await (
        await fetch(`${claims.iss}/.well-known/openid-configuration`)
      ).json();
      await jwtVerify(
        assertion,
        createRemoteJWKSet(new URL(discovery.jwks_uri)),
        {
          issuer: claims.iss,
        },
      );
    } catch {
      return refuse(
        '5002738',
        `Invalid JWT token. The token signature is not valid for the issuer '${claims.iss}'.`,
      );
    }
    const match = byIssuer.find(c => c.subject === claims.sub);
    if (!match) {
      return refuse(
        '700213',
        `No matching federated identity record found for presented assertion subject '${claims.sub}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      );
    }
    const audiences = [claims.aud ?? []].flat();
    if (!audiences.some(a => match.audiences.includes(a))) {
      return refuse(
        '700212',
        `No matching federated identity record found for presented assertion audience '${audiences.join(
          ', ',
        )}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      );
    }
    const principal = state.servicePrincipals.find(
      sp => sp.appId === application.appId,
    );
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: 3599,
        access_token: issue(
          (form.get('scope') ?? '').replace(/\/\.default$/, ''),
          principal?.id ?? application.id,
        ),
      },
    };
  }

  /** What a principal's role assignments allow at a scope: theirs at it and above. */
  function permissionsAt(scope: string, principal: string) {
    return state.roleAssignments
      .filter(
        a =>
          a.properties.principalId === principal &&
          `${scope.toLowerCase()}/`.startsWith(
            `${a.properties.scope.toLowerCase()}/`,
          ),
      )
      .map(
        a =>
          ROLE_PERMISSIONS[a.properties.roleDefinitionId.split('/').pop()!] ?? {
            actions: [],
            dataActions: [],
          },
      );
  }

  return Object.assign(server, state, {
    tenantId,
    deployer,
    endpoints: {
      login: server.url,
      graph: server.url,
      resourceManager: server.url,
      managedIdentity: server.url,
    },
  });
}
