import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

/** The backend package, which the relative paths of app-config.yaml start from. */
export const backendDir = resolve(__dirname, '../..');

/**
 * app-config.yaml as the repository has it, its catalog paths made absolute.
 * Its `backend` section stays out: the test backend listens on a port of its
 * own with an in-memory database, never the developer's.
 */
export function repositoryConfig() {
  const { backend: _backend, ...config } = parse(
    readFileSync(resolve(backendDir, '../../app-config.yaml'), 'utf8'),
  );
  config.catalog.locations = config.catalog.locations.map(
    (location: { target: string }) => ({
      ...location,
      target: resolve(backendDir, location.target),
    }),
  );
  return config;
}

/** Polls until the probe returns something, for up to 30 seconds by default. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('gave up waiting');
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * Starts the given features with real authentication, so that the guest
 * token and the permission round trips are those of a browser session, and
 * signs in as the guest.
 */
export async function startPortalBackend(
  features: BackendFeature[],
  config: object,
) {
  const backend = await startTestBackend({
    features: [
      ...features,
      authServiceFactory,
      httpAuthServiceFactory,
      userInfoServiceFactory,
      mockServices.rootConfig.factory({ data: config as any }),
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}`;
  return {
    backend,
    baseUrl,
    ...(await signInAsGuest(baseUrl)),
    stop: () => backend.stop(),
  };
}

/**
 * Signs in to the portal at `baseUrl` as the guest, once the catalog knows
 * the guest's groups; calls its API with the guest's token.
 */
export async function signInAsGuest(baseUrl: string) {
  const guestToken = await eventually(async () => {
    const response = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    if (!response.ok) return undefined;
    const session = await response.json();
    const refs: string[] =
      session.backstageIdentity.identity.ownershipEntityRefs;
    return refs.length > 1
      ? (session.backstageIdentity.token as string)
      : undefined;
  });

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${guestToken}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
    };
  }

  async function getJson(path: string) {
    const { status, body } = await call('GET', path);
    if (status !== 200)
      throw new Error(
        `GET ${path} answered ${status}: ${JSON.stringify(body)}`,
      );
    return body;
  }

  return { call, getJson };
}

/** The guest provider refuses to work outside development unless told. */
export function withGuestOutsideDevelopment(config: any) {
  return {
    ...config,
    auth: {
      providers: {
        guest: {
          ...config.auth.providers.guest,
          dangerouslyAllowOutsideDevelopment: true,
        },
      },
    },
  };
}
