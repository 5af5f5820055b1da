import {
  CodeSnippet,
  InfoCard,
  Link,
  LinkButton,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  azurePortalAccessUrl,
  escEnvironmentManagePermission,
  escEnvironmentView,
  EscEnvironmentView,
  formatEnvironmentRef,
  SUBJECT_MODE_EFFECTS,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { EnvironmentHealth } from './EnvironmentHealth';
import {
  decommissionAnswers,
  updateAnswers,
  withFormData,
} from './environmentActions';
import { taskRouteRef, templateRouteRef, TEMPLATES } from './routes';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mt={2}>
      <Typography variant="h6" component="h3">
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/** Client id, tenant, issuer, audience and each subject, with the mode in one line. */
function Trust({ view }: { view: EscEnvironmentView }) {
  return (
    <Section title="Trust">
      <StructuredMetadataTable
        metadata={{
          'Client id': view.clientId ?? 'not recorded',
          Tenant: view.tenantId ?? 'not recorded',
          Issuer: view.trust?.issuer ?? 'not recorded',
          Audience: view.trust?.audience ?? 'not recorded',
          Subjects: view.trust?.subjects.length
            ? view.trust.subjects
            : 'not recorded',
          'Subject mode': view.subjectMode
            ? `${view.subjectMode}: ${SUBJECT_MODE_EFFECTS[view.subjectMode]}`
            : 'not recorded',
          'Pulumi stack': view.stackName ?? 'not recorded',
        }}
      />
    </Section>
  );
}

/** Each role at its scope, linked to the scope's access control in the Azure portal. */
function AzureAccessList({ view }: { view: EscEnvironmentView }) {
  return (
    <Section title="Azure access">
      {view.azureAccess.length === 0 ? (
        <Typography variant="body2">No role assignment recorded.</Typography>
      ) : (
        <ul>
          {view.azureAccess.map(access => (
            <li key={`${access.role} ${access.scope}`}>
              <Typography variant="body2" component="span">
                <strong>{access.role}</strong> on{' '}
                <Link to={azurePortalAccessUrl(access.scope, view.tenantId)}>
                  {access.scope}
                </Link>
              </Typography>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** Verify, Update and Decommission, for those the permission policy lets manage it. */
function Actions(props: {
  entity: Entity;
  view: EscEnvironmentView;
  mayManage: boolean;
}) {
  const template = useRouteRef(templateRouteRef);
  if (!props.mayManage) {
    return (
      <Typography variant="body2" color="textSecondary">
        Only its owners and the platform&apos;s administrators may verify,
        update or decommission this environment.
      </Typography>
    );
  }
  if (!template) return null;
  return (
    <Box display="flex" style={{ gap: 8 }} mt={1}>
      <LinkButton
        variant="outlined"
        size="small"
        to={withFormData(
          template(TEMPLATES.provision),
          updateAnswers(props.view, props.entity),
        )}
      >
        Update
      </LinkButton>
      <LinkButton
        variant="outlined"
        size="small"
        color="secondary"
        to={withFormData(
          template(TEMPLATES.decommission),
          decommissionAnswers(props.entity),
        )}
      >
        Decommission
      </LinkButton>
    </Box>
  );
}

/** The task that last changed the environment, linked to its page. */
function LastTask({ view }: { view: EscEnvironmentView }) {
  const taskLink = useRouteRef(taskRouteRef);
  if (!view.task) {
    return (
      <Typography variant="body2">Last changed by: not recorded</Typography>
    );
  }
  const when = view.task.at && new Date(view.task.at).toLocaleString();
  return (
    <Typography variant="body2">
      Last changed by task{' '}
      {taskLink ? (
        <Link to={taskLink({ taskId: view.task.id })}>{view.task.id}</Link>
      ) : (
        view.task.id
      )}
      {when ? ` (${when})` : ''}
    </Typography>
  );
}

/**
 * An ESC environment on its entity page: whether its trust works, who it
 * trusts and what it may do in Azure, its YAML, and what its owners may do
 * with it. It makes do with whatever the entity records.
 */
export function EscEnvironmentCard() {
  const { entity } = useEntity();
  const view = escEnvironmentView(entity);
  const { allowed: mayManage } = usePermission({
    permission: escEnvironmentManagePermission,
    resourceRef: stringifyEntityRef(entity),
  });
  if (!view.environment) {
    return (
      <InfoCard title="Pulumi ESC environment">
        <Typography variant="body2">
          This entity does not name its ESC environment: its esc-azure-oidc.dev
          annotations (organization, project, environment) are missing, so the
          portal cannot check or change its trust. Run the template again to
          have the portal write them.
        </Typography>
      </InfoCard>
    );
  }
  const links = entity.metadata.links ?? [];
  return (
    <InfoCard
      title={`Pulumi ESC environment ${formatEnvironmentRef(view.environment)}`}
    >
      <Section title="Status">
        <EnvironmentHealth
          environment={view.environment}
          mayVerify={mayManage}
        />
        <LastTask view={view} />
        <Actions entity={entity} view={view} mayManage={mayManage} />
      </Section>
      <Trust view={view} />
      <AzureAccessList view={view} />
      <Section title="Environment YAML">
        {view.environmentYaml ? (
          <CodeSnippet
            text={view.environmentYaml}
            language="yaml"
            showCopyCodeButton
          />
        ) : (
          <Typography variant="body2">Not recorded.</Typography>
        )}
        {links.map(link => (
          <Typography key={link.url} variant="body2">
            <Link to={link.url}>{link.title ?? link.url}</Link>
          </Typography>
        ))}
      </Section>
    </InfoCard>
  );
}
