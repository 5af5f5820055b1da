/**
 * Where people look at an environment: its page in Pulumi Cloud and, once
 * it has a client id, its application in the Azure portal. The provision
 * action returns them; writeCatalogInfo puts the same links on the entity.
 */
import {
  applicationDisplayName,
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

export interface EnvironmentLinks {
  pulumiCloudUrl: string;
  azurePortalUrl?: string;
  links: Array<{ title: string; url: string }>;
}

export function environmentLinks(options: {
  /** Pulumi Cloud's console, without a trailing slash. */
  consoleUrl: string;
  environment: EscEnvironmentRef;
  /** Absent in dry runs. */
  clientId?: string;
}): EnvironmentLinks {
  const { organization, project, environment } = options.environment;
  const pulumiCloudUrl = `${options.consoleUrl}/${[
    organization,
    'esc',
    project,
    environment,
  ]
    .map(encodeURIComponent)
    .join('/')}`;
  const azurePortalUrl = options.clientId
    ? `https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/${encodeURIComponent(
        options.clientId,
      )}`
    : undefined;
  return {
    pulumiCloudUrl,
    azurePortalUrl,
    links: linkList({
      environmentRef: formatEnvironmentRef(options.environment),
      pulumiCloudUrl,
      azurePortalUrl,
    }),
  };
}

/** The links, titled, from the environment's two pages. */
export function linkList(pages: {
  environmentRef: string;
  pulumiCloudUrl: string;
  azurePortalUrl?: string;
}): EnvironmentLinks['links'] {
  return [
    {
      title: `ESC environment ${pages.environmentRef}`,
      url: pages.pulumiCloudUrl,
    },
    ...(pages.azurePortalUrl
      ? [
          {
            title: `Entra application ${applicationDisplayName(
              pages.environmentRef,
            )}`,
            url: pages.azurePortalUrl,
          },
        ]
      : []),
  ];
}
