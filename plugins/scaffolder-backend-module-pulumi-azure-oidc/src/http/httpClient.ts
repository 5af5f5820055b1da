/**
 * The one way the module calls a service itself (Pulumi Cloud, Entra, ARM):
 * each call has a timeout, reads retry with backoff on connection errors,
 * 429 and 5xx (honouring `Retry-After`), writes are sent once, and every
 * failure becomes an error that names the service, the URL's origin, what
 * the portal was doing, the cause in words and what to check.
 *
 * Calls go through the global `fetch`, so the proxy the backend installs
 * from HTTPS_PROXY / NO_PROXY applies to them.
 */
import {
  describeNetworkFailure,
  proxyCheck,
  proxyFor,
} from './networkFailures';

export interface ServiceCall {
  /** `Pulumi Cloud`, `Microsoft Entra ID`, `Azure Resource Manager`. */
  service: string;
  /** What the portal was doing: `reading the ESC environment acme/payments/prod`. */
  operation: string;
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Safe to send again after a failure. Default: for GET and HEAD only;
   * writes are never repeated blindly.
   */
  idempotent?: boolean;
  /** Statuses the caller handles, returned rather than thrown. */
  accept?: number[];
  /** The setting that names the service's URL, for hints when it is unreachable. */
  urlSetting?: string;
  /** The setting that holds the credentials, for hints on 401 and 403. */
  credentialSetting?: string;
  signal?: AbortSignal;
}

export interface ServiceResponse {
  status: number;
  headers: Headers;
  body: string;
}

export interface HttpClientOptions {
  /** Per attempt. */
  timeoutSeconds: number;
  /** Further attempts of idempotent calls. */
  retries: number;
  /** Masks secrets in what a service answered. */
  redact?(text: string): string;
  fetch?: typeof fetch;
  /** Waits between attempts; tests pass one that records and returns. */
  sleep?(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

/** A service could not be reached; the message says why and what to check. */
export class ServiceUnreachableError extends Error {
  name = 'ServiceUnreachableError';
}

/** A service answered with an error status. */
export class ServiceRequestError extends Error {
  name = 'ServiceRequestError';
  constructor(
    message: string,
    readonly status: number,
    /** The service's own error code, when its body has one (`RoleAssignmentExists`). */
    readonly serviceCode?: string,
  ) {
    super(message);
  }
}

/** The longest `Retry-After` a call waits for; longer ones fail at once. */
const MAX_RETRY_AFTER_MS = 60_000;
const BASE_BACKOFF_MS = 500;

export class HttpClient {
  constructor(private readonly options: HttpClientOptions) {}

  async request(call: ServiceCall): Promise<ServiceResponse> {
    const url = new URL(call.url);
    const idempotent = call.idempotent ?? ['GET', 'HEAD'].includes(call.method);
    const attempts = idempotent ? this.options.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(call, url);
      const last = attempt >= attempts;
      if ('response' in outcome) {
        const { response } = outcome;
        if (response.status < 400 || call.accept?.includes(response.status)) {
          return response;
        }
        const wait = retryDelay(response, attempt);
        if (last || wait === undefined) throw this.refused(call, url, response);
        await this.sleep(wait, call.signal);
      } else {
        if (last) throw outcome.failure;
        await this.sleep(backoff(attempt), call.signal);
      }
    }
  }

  private async attempt(
    call: ServiceCall,
    url: URL,
  ): Promise<{ response: ServiceResponse } | { failure: Error }> {
    const timeout = AbortSignal.timeout(this.options.timeoutSeconds * 1000);
    const signal = call.signal
      ? AbortSignal.any([call.signal, timeout])
      : timeout;
    try {
      const response = await (this.options.fetch ?? fetch)(url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal,
      });
      return {
        response: {
          status: response.status,
          headers: response.headers,
          body: await response.text(),
        },
      };
    } catch (error) {
      // Cancelled by the task: not a network failure, and not retried.
      if (call.signal?.aborted) throw call.signal.reason;
      return { failure: this.unreachable(call, url, error, timeout.aborted) };
    }
  }

  private unreachable(
    call: ServiceCall,
    url: URL,
    error: unknown,
    timedOut: boolean,
  ): ServiceUnreachableError {
    const proxy = proxyFor(url);
    const failure = timedOut
      ? {
          reason: `${url.host} did not answer within ${this.options.timeoutSeconds} s`,
          check: [
            "the backend's network and firewall",
            proxyCheck(proxy),
            'pulumiAzureOidc.network.timeoutSeconds',
          ],
        }
      : describeNetworkFailure(error, url, proxy);
    const check = call.urlSetting
      ? [...failure.check, call.urlSetting]
      : failure.check;
    return new ServiceUnreachableError(
      `Could not reach ${call.service} at ${url.origin} while ${
        call.operation
      }: ${failure.reason}. Check ${check.join('; ')}.`,
    );
  }

  private refused(
    call: ServiceCall,
    url: URL,
    response: ServiceResponse,
  ): ServiceRequestError {
    const { code, message } = readServiceError(response.body);
    const redact = this.options.redact ?? (text => text);
    const credentials =
      (response.status === 401 || response.status === 403) &&
      call.credentialSetting
        ? ` Check ${call.credentialSetting}.`
        : '';
    return new ServiceRequestError(
      redact(
        `${call.service} (${url.origin}) answered ${response.status} while ${
          call.operation
        }${
          message ? `: ${message.replace(/[.\s]+$/, '')}` : ''
        }.${credentials}`,
      ),
      response.status,
      code,
    );
  }

  private sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
    if (this.options.sleep) return this.options.sleep(milliseconds, signal);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, milliseconds);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  }
}

/** Exponential, with jitter so that replicas do not retry in step. */
function backoff(attempt: number): number {
  const base = BASE_BACKOFF_MS * 2 ** (attempt - 1);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** How long to wait before retrying a refused read; undefined: do not retry. */
function retryDelay(
  response: ServiceResponse,
  attempt: number,
): number | undefined {
  if (response.status !== 429 && response.status < 500) return undefined;
  const header = response.headers.get('retry-after');
  if (!header) return backoff(attempt);
  const seconds = Number(header);
  const delay = Number.isFinite(seconds)
    ? seconds * 1000
    : Date.parse(header) - Date.now();
  if (Number.isNaN(delay)) return backoff(attempt);
  return delay <= MAX_RETRY_AFTER_MS ? Math.max(0, delay) : undefined;
}

/**
 * A service's own words from an error body: Pulumi Cloud's
 * `{ code, message }`, ARM's and Graph's `{ error: { code, message } }`,
 * Entra's `{ error, error_description }`; otherwise the text itself.
 */
export function readServiceError(body: string): {
  code?: string;
  message?: string;
} {
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    const text = body.trim().slice(0, 300);
    return { message: text || undefined };
  }
  if (typeof parsed?.error === 'object' && parsed.error) {
    return { code: parsed.error.code, message: parsed.error.message };
  }
  if (typeof parsed?.error === 'string') {
    return {
      code: parsed.error,
      message: parsed.error_description ?? parsed.error,
    };
  }
  if (typeof parsed?.message === 'string') {
    // ESC adds the diagnostics of a definition it refuses.
    const diagnostics = Array.isArray(parsed.diagnostics)
      ? parsed.diagnostics
          .map((d: { summary?: string }) => d.summary)
          .filter(Boolean)
      : [];
    return {
      message: [parsed.message, ...diagnostics].join('; '),
    };
  }
  return { message: body.trim().slice(0, 300) || undefined };
}
