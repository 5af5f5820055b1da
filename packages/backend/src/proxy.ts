/**
 * Corporate proxies, for every outbound call of the backend.
 *
 * Node's `fetch` ignores HTTPS_PROXY, HTTP_PROXY and NO_PROXY unless told,
 * and so do `node:http` and `node:https`. When a proxy is configured, the
 * backend routes both through it before any plugin starts:
 *
 * - `fetch()`: the golden path's calls to Pulumi Cloud, the catalog's
 *   plain-URL, Azure DevOps and GitLab readers, the GitHub actions' Octokit.
 *   undici's `EnvHttpProxyAgent` becomes the global dispatcher, which Node's
 *   built-in `fetch` shares with the npm package.
 * - `node:http` and `node:https`: node-fetch (the catalog's GitHub reader) and
 *   git over HTTP (the scaffolder's publish steps). Their global agents read
 *   the same variables (`proxyEnv`, Node 22.21 and 24.5 onwards), the
 *   mechanism behind Node's `NODE_USE_ENV_PROXY` that Backstage documents.
 *
 * The Pulumi CLI the golden path starts inherits the backend's environment
 * unchanged and honours the same variables itself.
 */
import http from 'node:http';
import https from 'node:https';
import { EnvHttpProxyAgent, setGlobalDispatcher } from 'undici';

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** The proxy variables, in either letter case as tools set them. */
export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  return {
    httpProxy: env.HTTP_PROXY || env.http_proxy || undefined,
    httpsProxy: env.HTTPS_PROXY || env.https_proxy || undefined,
    noProxy: env.NO_PROXY || env.no_proxy || undefined,
  };
}

/** Routes the backend's outbound calls through the proxy the environment names, if any. */
export function routeThroughProxy(
  env: NodeJS.ProcessEnv = process.env,
): ProxySettings | undefined {
  const settings = proxySettings(env);
  if (!settings.httpProxy && !settings.httpsProxy) return undefined;
  setGlobalDispatcher(
    new EnvHttpProxyAgent({
      httpProxy: settings.httpProxy,
      httpsProxy: settings.httpsProxy,
      noProxy: settings.noProxy ?? '',
    }),
  );
  const proxyEnv = {
    HTTP_PROXY: settings.httpProxy,
    HTTPS_PROXY: settings.httpsProxy,
    NO_PROXY: settings.noProxy,
  };
  // `proxyEnv` is not in every @types/node release yet.
  const options = { keepAlive: true, proxyEnv } as http.AgentOptions;
  http.globalAgent = new http.Agent(options);
  https.globalAgent = new https.Agent(options);
  return settings;
}
