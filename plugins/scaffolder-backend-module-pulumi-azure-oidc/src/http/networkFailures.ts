/**
 * Why a call did not get an answer, in words a platform team can act on:
 * Node's `fetch` only says "fetch failed" and hides the cause in `cause`.
 */

/** A cause, and what to check for it. */
export interface NetworkFailure {
  reason: string;
  check: string[];
}

/** What to check about proxies, whether or not the call went through one. */
export function proxyCheck(proxy: string | undefined): string {
  return proxy
    ? `the proxy ${safeOrigin(proxy)} (HTTPS_PROXY, HTTP_PROXY) and NO_PROXY`
    : 'HTTPS_PROXY and NO_PROXY, if the backend reaches services through a proxy';
}

/** The proxy the environment names for a URL, as the backend's dispatcher reads it. */
export function proxyFor(
  url: URL,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const proxy =
    url.protocol === 'https:'
      ? env.HTTPS_PROXY ?? env.https_proxy
      : env.HTTP_PROXY ?? env.http_proxy;
  if (!proxy) return undefined;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
  const host = url.hostname.toLowerCase();
  const bypassed = noProxy.some(entry => {
    if (entry === '*') return true;
    const [name, port] = entry.toLowerCase().split(':');
    if (port && port !== (url.port || defaultPort(url))) return false;
    const domain = name.replace(/^\*?\./, '');
    return host === domain || host.endsWith(`.${domain}`);
  });
  return bypassed ? undefined : proxy;
}

function defaultPort(url: URL): string {
  return url.protocol === 'https:' ? '443' : '80';
}

type ErrorWithCode = Error & {
  code?: string;
  errno?: number;
  address?: string;
  port?: number;
  hostname?: string;
};

/**
 * The errors of a failed `fetch`, outermost first. Not `instanceof Error`:
 * Node's own errors may come from another realm (a VM context, a worker).
 */
function causes(error: unknown): ErrorWithCode[] {
  const chain: ErrorWithCode[] = [];
  let current: unknown = error;
  while (
    typeof current === 'object' &&
    current !== null &&
    typeof (current as Error).message === 'string' &&
    chain.length < 8
  ) {
    chain.push(current as ErrorWithCode);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Reads the cause of a failed call. `proxy` is the proxy the call went
 * through, if any, so that a refusal by the proxy is told from one by the
 * service.
 */
export function describeNetworkFailure(
  error: unknown,
  url: URL,
  proxy: string | undefined,
): NetworkFailure {
  const chain = causes(error);
  const coded = chain.find(e => e.code);
  const code = coded?.code;
  const proxyUrl = proxy ? safeOrigin(proxy) : undefined;
  const tunnel = chain
    .map(e => /Proxy response \((\d+)\)/.exec(e.message)?.[1])
    .find(Boolean);

  if (tunnel) {
    return {
      reason: `the proxy ${proxyUrl} refused to open a connection to ${url.host} (it answered ${tunnel})`,
      check: [
        'that the proxy allows this host and accepts the backend (credentials in the proxy URL of HTTPS_PROXY)',
        `NO_PROXY, if ${url.hostname} should not go through the proxy`,
      ],
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = coded?.hostname ?? url.hostname;
    return {
      reason: `the host name ${host} could not be resolved (DNS)`,
      check: ["the backend's DNS", proxyCheck(proxy)],
    };
  }
  if (
    proxyUrl &&
    (code === 'ECONNREFUSED' || code === 'ETIMEDOUT') &&
    coded?.port !== undefined &&
    String(coded.port) === (new URL(proxy!).port || '80')
  ) {
    return {
      reason: `the proxy ${proxyUrl} could not be reached (${
        code === 'ECONNREFUSED' ? 'connection refused' : 'timed out'
      })`,
      check: ['the proxy address in HTTPS_PROXY and HTTP_PROXY'],
    };
  }
  if (code && TLS_CODES.has(code)) {
    return {
      reason: `the TLS certificate of ${url.host} is not trusted (${code})`,
      check: [
        'NODE_EXTRA_CA_CERTS, if your network inspects TLS with its own certificate authority',
      ],
    };
  }
  const plain: Record<string, string> = {
    ECONNREFUSED: `the connection to ${url.host} was refused`,
    ECONNRESET: `the connection to ${url.host} was reset`,
    EHOSTUNREACH: `the host ${url.host} is unreachable`,
    ENETUNREACH: `the network of ${url.host} is unreachable`,
    ETIMEDOUT: `connecting to ${url.host} timed out`,
    UND_ERR_CONNECT_TIMEOUT: `connecting to ${url.host} timed out`,
    UND_ERR_SOCKET: `the connection to ${url.host} closed unexpectedly`,
  };
  const reason =
    (code && plain[code]) ??
    `the request failed (${
      code ?? chain[chain.length - 1]?.message ?? String(error)
    })`;
  return {
    reason,
    check: ["the backend's network and firewall", proxyCheck(proxy)],
  };
}

/** A URL's origin without credentials, for messages. */
export function safeOrigin(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return '(an invalid URL)';
  }
}
