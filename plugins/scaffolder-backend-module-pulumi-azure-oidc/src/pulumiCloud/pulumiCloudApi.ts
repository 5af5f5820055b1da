/**
 * Calls to Pulumi Cloud's REST API with the portal's token, as Pulumi's own
 * clients send them; what each endpoint means is cited where it is called.
 */
import { HttpClient } from '../http/httpClient';

export interface PulumiCloudApiOptions {
  apiUrl: string;
  accessToken: string;
  http: HttpClient;
}

export interface PulumiCloudCall {
  operation: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: string;
  contentType?: string;
  etag?: string;
  accept?: number[];
  idempotent?: boolean;
}

export class PulumiCloudApi {
  constructor(private readonly options: PulumiCloudApiOptions) {}

  call(signal: AbortSignal | undefined, call: PulumiCloudCall) {
    return this.options.http.request({
      service: 'Pulumi Cloud',
      operation: call.operation,
      method: call.method,
      url: `${this.options.apiUrl.replace(/\/+$/, '')}/${call.path}`,
      headers: {
        Accept: 'application/vnd.pulumi+8',
        Authorization: `token ${this.options.accessToken}`,
        ...(call.contentType ? { 'Content-Type': call.contentType } : {}),
        ...(call.etag ? { ETag: call.etag } : {}),
      },
      body: call.body,
      accept: call.accept,
      idempotent: call.idempotent,
      urlSetting: 'pulumiAzureOidc.pulumiCloud.apiUrl',
      credentialSetting: 'pulumiAzureOidc.pulumiCloud.accessToken',
      signal,
    });
  }
}
