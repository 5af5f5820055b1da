/**
 * Pulumi Cloud's ESC API on loopback, as Pulumi's own ESC client expects it
 * (pulumi/esc cmd/esc/cli/client/client.go):
 *
 * - `GET …/environments/{org}/{project}/{env}`: the definition, and its `ETag`;
 * - `POST …/environments/{org}` `{ project, name }`: a new, empty
 *   environment (409 if it exists);
 * - `PATCH` the same path: replaces the definition when the request's
 *   `ETag` header names the latest revision (409 otherwise);
 * - `DELETE`: removes it;
 * - `POST …/open` then `GET …/open/{id}`: the values a test set for it, each
 *   wrapped as `{ value, trace }` (pulumi/esc value.go);
 * - `GET …/referrers`: the referrers a test set, keyed by revision, one
 *   per page (pulumi/esc apitype.go, ListEnvironmentReferrersResponse).
 *
 * And the few organization and team endpoints the portal calls
 * (https://www.pulumi.com/docs/administration/concepts/rbac/teams/ and
 * Pulumi Cloud's OpenAPI description, vendored in
 * pulumi/pulumi-pulumiservice provider/pkg/cloud/spec.json), nothing more:
 *
 * - `GET /api/orgs/{org}/metadata`: `{ defaultEnvironmentPermission }` as a
 *   test set it, `write` (Pulumi Cloud's documented default) when unset;
 * - `GET /api/orgs/{org}/teams/{team}`: `{ name, environments }`, 404 for a
 *   team a test did not create;
 * - `PATCH` the same path with exactly one of `addEnvironmentPermission` or
 *   `editEnvironmentPermission` (`{ projectName, envName, permission }`):
 *   204. Any other change is refused (400), as is an unknown permission;
 *   adding what the team holds answers 409 and editing what it does not
 *   hold 404 (Pulumi Cloud does not document either case).
 *
 * Errors come as Pulumi Cloud's `{ code, message }`. `fail` answers a route
 * (`METHOD path`) with a status and body instead.
 */
import { randomUUID } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import {
  Handler,
  httpServer,
  Loopback,
  untrustedHttpsServer,
} from './loopback';

export interface StandInEnvironment {
  yaml: string;
  revision: number;
}

export interface StandInTeamEnvironment {
  projectName: string;
  envName: string;
  permission: string;
}

export interface PulumiCloudStandIn extends Loopback {
  apiUrl: string;
  /** By `org/team`: the environment permissions the team holds. */
  teams: Map<string, { environments: StandInTeamEnvironment[] }>;
  /** By organization: its settings; `defaultEnvironmentPermission` unset is left out of the answer. */
  organizations: Map<string, { defaultEnvironmentPermission?: string }>;
  /** By `org/project/env`. */
  environments: Map<string, StandInEnvironment>;
  /** What opening an environment returns, by `org/project/env`. */
  values: Map<string, unknown>;
  /** What references an environment, by `org/project/env`. */
  referrers: Map<string, StandInReferrer[]>;
  fail: Record<string, { status: number; body: string }>;
  seen: Array<{
    method: string;
    url: string;
    headers: IncomingHttpHeaders;
    body: string;
  }>;
}

export type StandInReferrer =
  | { environment: { project: string; name: string; revision: number } }
  | { stack: { project: string; stack: string; version: number } };

const PREFIX = '/api/esc/environments/';
const ORGS = '/api/orgs/';
const PERMISSIONS = ['none', 'read', 'open', 'write', 'admin'];

/** `{ value, trace }` around every level, as ESC returns values. */
function wrap(value: unknown): unknown {
  let inner = value;
  if (Array.isArray(value)) inner = value.map(wrap);
  else if (value && typeof value === 'object') {
    inner = Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, wrap(item)]),
    );
  }
  return { value: inner, trace: { def: {} } };
}

/**
 * On plain HTTP, or with `https` on HTTPS with a self-signed `certificate`
 * for whoever must trust it: a backend process, whose configuration accepts
 * only an https API.
 */
export async function pulumiCloudStandIn(
  options: { https?: boolean } = {},
): Promise<PulumiCloudStandIn & { certificate?: string }> {
  const environments = new Map<string, StandInEnvironment>();
  const values = new Map<string, unknown>();
  const referrers = new Map<string, StandInReferrer[]>();
  const sessions = new Map<string, string>();
  const teams: PulumiCloudStandIn['teams'] = new Map();
  const organizations: PulumiCloudStandIn['organizations'] = new Map();
  const fail: PulumiCloudStandIn['fail'] = {};
  const seen: PulumiCloudStandIn['seen'] = [];

  const handler: Handler = (request, response) => {
    seen.push({
      method: request.method!,
      url: request.url!,
      headers: request.headers,
      body: request.body,
    });
    const url = new URL(request.url!, 'http://stand-in');
    const route = `${request.method} ${url.pathname}`;
    const answer = (status: number, body: unknown, headers = {}) =>
      response
        .writeHead(status, headers)
        .end(typeof body === 'string' ? body : JSON.stringify(body));
    const error = (status: number, message: string) =>
      answer(status, { code: status, message });

    if (fail[route]) {
      answer(fail[route].status, fail[route].body);
      return;
    }
    if (url.pathname.startsWith(ORGS)) {
      const [org, what, team, ...more] = url.pathname
        .slice(ORGS.length)
        .split('/')
        .map(decodeURIComponent);
      if (what === 'metadata' && !team && request.method === 'GET') {
        const settings = organizations.get(org) ?? {
          defaultEnvironmentPermission: 'write',
        };
        answer(200, {
          id: org,
          kind: 'Pulumi',
          ...(settings.defaultEnvironmentPermission === undefined
            ? {}
            : {
                defaultEnvironmentPermission:
                  settings.defaultEnvironmentPermission,
              }),
        });
        return;
      }
      if (what !== 'teams' || !team || more.length > 0) {
        error(404, 'Not found');
        return;
      }
      const held = teams.get(`${org}/${team}`);
      if (!held) {
        error(404, `Team '${team}' not found`);
        return;
      }
      if (request.method === 'GET') {
        answer(200, {
          kind: 'pulumi',
          name: team,
          displayName: team,
          description: '',
          environments: held.environments,
        });
        return;
      }
      if (request.method !== 'PATCH') {
        error(404, 'Not found');
        return;
      }
      let change: Record<string, any> = {};
      try {
        change = JSON.parse(request.body);
      } catch {
        // Refused below, as an empty change.
      }
      const keys = Object.keys(change ?? {});
      const grant = change?.[keys[0]];
      if (
        keys.length !== 1 ||
        !['addEnvironmentPermission', 'editEnvironmentPermission'].includes(
          keys[0],
        ) ||
        typeof grant?.projectName !== 'string' ||
        typeof grant?.envName !== 'string' ||
        !PERMISSIONS.includes(grant?.permission)
      ) {
        error(400, `the stand-in does not accept ${request.body}`);
        return;
      }
      const existing = held.environments.find(
        e => e.projectName === grant.projectName && e.envName === grant.envName,
      );
      if (keys[0] === 'addEnvironmentPermission') {
        if (existing) {
          error(409, 'the team already holds the environment');
          return;
        }
        held.environments.push({
          projectName: grant.projectName,
          envName: grant.envName,
          permission: grant.permission,
        });
      } else {
        if (!existing) {
          error(404, 'the team does not hold the environment');
          return;
        }
        existing.permission = grant.permission;
      }
      answer(204, '');
      return;
    }
    if (!url.pathname.startsWith(PREFIX)) {
      error(404, 'Not found');
      return;
    }
    const parts = url.pathname
      .slice(PREFIX.length)
      .split('/')
      .map(decodeURIComponent);
    if (request.method === 'POST' && parts.length === 1) {
      const { project, name } = JSON.parse(request.body);
      const ref = `${parts[0]}/${project}/${name}`;
      if (environments.has(ref)) {
        error(409, `Environment '${project}/${name}' already exists`);
      } else {
        environments.set(ref, { yaml: '', revision: 1 });
        answer(200, {});
      }
      return;
    }
    const ref = parts.slice(0, 3).join('/');
    const environment = environments.get(ref);
    if (!environment) {
      error(404, `Environment '${parts.slice(1, 3).join('/')}' not found`);
      return;
    }
    const tag = `${ref}@${environment.revision}`;
    const rest = parts.slice(3);
    if (rest.length === 0 && request.method === 'GET') {
      answer(200, environment.yaml, { ETag: tag });
    } else if (rest.length === 0 && request.method === 'PATCH') {
      if (request.headers.etag !== tag) {
        error(409, 'the environment has changed since it was read');
      } else {
        environment.yaml = request.body;
        environment.revision += 1;
        answer(200, { diagnostics: [] });
      }
    } else if (rest.length === 0 && request.method === 'DELETE') {
      environments.delete(ref);
      answer(204, '');
    } else if (rest[0] === 'open' && request.method === 'POST') {
      const id = randomUUID();
      sessions.set(id, ref);
      answer(200, { id });
    } else if (rest[0] === 'open' && request.method === 'GET') {
      if (sessions.get(rest[1]) !== ref) error(404, 'open session not found');
      else
        answer(200, { properties: (wrap(values.get(ref) ?? {}) as any).value });
    } else if (rest[0] === 'referrers' && request.method === 'GET') {
      const all = referrers.get(ref) ?? [];
      const at = Number(url.searchParams.get('continuationToken') || 0);
      answer(200, {
        referrers: all[at] ? { latest: [all[at]] } : {},
        ...(at + 1 < all.length ? { continuationToken: String(at + 1) } : {}),
      });
    } else {
      error(404, 'Not found');
    }
  };
  const server = options.https
    ? await untrustedHttpsServer(handler)
    : await httpServer(handler);

  return Object.assign(server, {
    apiUrl: `${server.url}/`,
    teams,
    organizations,
    environments,
    values,
    referrers,
    fail,
    seen,
  });
}
