import { Config } from '@backstage/config';
import {
  checkEscName,
  oidcIssuer,
  PULUMI_CLOUD_API_URL,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { ConfigProblem, PulumiAzureOidcSettings } from './settings';

export const PULUMI_CLOUD_CONSOLE_URL = 'https://app.pulumi.com';

/** `pulumiCloud`: the organization, the API (and the OIDC issuer it implies), the token. */
export function readPulumiCloud(
  config: Config | undefined,
): PulumiAzureOidcSettings['pulumiCloud'] {
  const apiUrl =
    config?.getOptionalString('pulumiCloud.apiUrl') ?? PULUMI_CLOUD_API_URL;
  let issuer: string;
  try {
    issuer = oidcIssuer(apiUrl);
  } catch (error) {
    throw new ConfigProblem(
      'pulumiCloud.apiUrl',
      `: ${(error as Error).message}`,
    );
  }
  const organization = config?.getOptionalString('pulumiCloud.organization');
  const problem =
    organization === undefined ? undefined : checkEscName(organization);
  if (problem) throw new ConfigProblem('pulumiCloud.organization', problem);
  return {
    organization,
    apiUrl,
    consoleUrl: (
      config?.getOptionalString('pulumiCloud.consoleUrl') ??
      PULUMI_CLOUD_CONSOLE_URL
    ).replace(/\/+$/, ''),
    accessToken: config?.getOptionalString('pulumiCloud.accessToken'),
    issuer,
  };
}
