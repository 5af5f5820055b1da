import {
  CodeSnippet,
  InfoCard,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ESC_ANNOTATIONS,
  environmentFromAnnotations,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { EnvironmentHealth } from './EnvironmentHealth';

/**
 * An ESC environment's Azure identity and definition, read from its entity:
 * what someone wiring up a stack or debugging a failed login needs; and
 * whether its trust works, with a way to check it now.
 */
export function EscEnvironmentCard() {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const environment = environmentFromAnnotations(annotations);
  const { clientId, tenantId, subscriptionId, stackName } = ESC_ANNOTATIONS;
  const yaml =
    typeof entity.spec?.environmentYaml === 'string'
      ? entity.spec.environmentYaml
      : '';
  return (
    <InfoCard title="Pulumi ESC environment">
      <StructuredMetadataTable
        metadata={{
          Environment: environment && formatEnvironmentRef(environment),
          'Client id': annotations[clientId],
          'Tenant id': annotations[tenantId],
          Subscription: annotations[subscriptionId],
          'Pulumi stack': annotations[stackName],
        }}
      />
      <CodeSnippet text={yaml} language="yaml" showCopyCodeButton />
      {environment && <EnvironmentHealth environment={environment} />}
    </InfoCard>
  );
}
