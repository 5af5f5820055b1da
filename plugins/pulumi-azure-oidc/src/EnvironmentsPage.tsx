import {
  Content,
  ContentHeader,
  EmptyState,
  LinkButton,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  EntityRefLinks,
  getEntityRelations,
} from '@backstage/plugin-catalog-react';
import {
  ESC_ENVIRONMENT_ENTITY_TYPE,
  escEnvironmentView,
  EscEnvironmentView,
  formatEnvironmentRef,
  LatestChecks,
  RecordedCheck,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { pulumiAzureOidcApiRef } from './api';
import { templateRouteRef, TEMPLATES } from './routes';

interface Row {
  id: string;
  entity: Entity;
  view: EscEnvironmentView;
  checks: LatestChecks;
  /** The subscription's name where the platform gave it one. */
  subscriptionName?: string;
}

/** A check's outcome in a word; its time on hover, to keep the table narrow. */
function CheckStatus({ check }: { check?: RecordedCheck }) {
  if (!check) return <StatusPending>never run</StatusPending>;
  const when = `checked ${new Date(check.checkedAt).toLocaleString()}`;
  if (check.status === 'passed') {
    return (
      <span title={when}>
        <StatusOK>works</StatusOK>
      </span>
    );
  }
  return (
    <span title={when}>
      {check.status === 'failed' ? (
        <StatusError>broken</StatusError>
      ) : (
        <StatusWarning>
          {check.status === 'drifted' ? 'drifted' : 'incomplete'}
        </StatusWarning>
      )}
    </span>
  );
}

const columns: TableColumn<Row>[] = [
  {
    title: 'Environment',
    field: 'id',
    highlight: true,
    render: ({ entity, view }) => (
      <EntityRefLink
        entityRef={entity}
        title={
          view.environment
            ? formatEnvironmentRef(view.environment)
            : entity.metadata.name
        }
      />
    ),
  },
  {
    title: 'Owner',
    render: ({ entity }) => (
      <EntityRefLinks
        entityRefs={getEntityRelations(entity, 'ownedBy')}
        defaultKind="group"
      />
    ),
  },
  {
    title: 'System',
    render: ({ entity }) => (
      <EntityRefLinks
        entityRefs={getEntityRelations(entity, 'partOf', { kind: 'system' })}
        defaultKind="system"
      />
    ),
  },
  {
    title: 'Azure subscription',
    render: ({ view, subscriptionName }) =>
      subscriptionName ? (
        <span title={view.subscriptionId}>{subscriptionName}</span>
      ) : (
        view.subscriptionId ?? ''
      ),
  },
  {
    title: 'Roles',
    render: ({ view }) =>
      view.azureAccess.map(access => (
        <Typography
          key={`${access.role} ${access.scope}`}
          variant="body2"
          title={access.scope}
        >
          {access.role} on {scopeLabel(access.scope)}
        </Typography>
      )),
  },
  {
    title: 'Last run',
    render: ({ view }) => {
      if (!view.task?.at) return '';
      const at = new Date(view.task.at);
      return <span title={at.toLocaleString()}>{at.toLocaleDateString()}</span>;
    },
  },
  {
    title: 'Verified',
    render: ({ checks }) => <CheckStatus check={checks.verify} />,
  },
  {
    title: 'Drift',
    render: ({ checks }) => <CheckStatus check={checks.drift} />,
  },
];

/** The last part of a scope people recognise: the subscription, a group, a resource. */
function scopeLabel(scope: string): string {
  const parts = scope.split('/').filter(Boolean);
  if (parts.length <= 2) return 'the subscription';
  if (parts.length <= 4) return `resource group ${parts[3]}`;
  return parts[parts.length - 1];
}

/**
 * The portal's landing page: the ESC environments, the user's own by
 * default, with owner, system, subscription, roles, last run and whether
 * their trust works.
 */
export function EnvironmentsPage() {
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  const api = useApi(pulumiAzureOidcApiRef);
  const template = useRouteRef(templateRouteRef);
  const [mine, setMine] = useState(true);

  const {
    value: rows,
    loading,
    error,
  } = useAsync(async (): Promise<Row[]> => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'Resource',
        'spec.type': ESC_ENVIRONMENT_ENTITY_TYPE,
        ...(mine ? { 'relations.ownedBy': ownershipEntityRefs } : {}),
      },
    });
    const views = items.map(entity => escEnvironmentView(entity));
    const refs = views
      .map(view => view.environment && formatEnvironmentRef(view.environment))
      .filter((ref): ref is string => !!ref);
    // Status and names embellish the list; without them it still shows.
    const [checks, options] = await Promise.all([
      api.latestChecks(refs).catch(() => ({})),
      api.getOptions().catch(() => undefined),
    ]);
    const subscriptionNames = new Map(
      options?.guardrails.allowedSubscriptions.map(({ id, name }) => [
        id.toLowerCase(),
        name,
      ]),
    );
    return items.map((entity, index) => {
      const view = views[index];
      const ref = view.environment && formatEnvironmentRef(view.environment);
      return {
        id: stringifyEntityRef(entity),
        entity,
        view,
        checks: (ref && (checks as Record<string, LatestChecks>)[ref]) || {},
        subscriptionName:
          view.subscriptionId &&
          subscriptionNames.get(view.subscriptionId.toLowerCase()),
      };
    });
  }, [catalogApi, identityApi, api, mine]);

  const create = template && (
    <LinkButton
      variant="contained"
      color="primary"
      to={template(TEMPLATES.provision)}
    >
      Create an ESC environment
    </LinkButton>
  );
  return (
    <Content>
      <ContentHeader title="ESC environments">
        <ButtonGroup size="small" aria-label="Whose environments">
          <Button
            variant={mine ? 'contained' : 'outlined'}
            aria-pressed={mine}
            onClick={() => setMine(true)}
          >
            Mine
          </Button>
          <Button
            variant={mine ? 'outlined' : 'contained'}
            aria-pressed={!mine}
            onClick={() => setMine(false)}
          >
            All
          </Button>
        </ButtonGroup>
        {create}
      </ContentHeader>
      {error ? (
        <Typography color="error">{error.message}</Typography>
      ) : (
        <Table<Row>
          title={mine ? 'Yours and your teams’' : 'All environments'}
          isLoading={loading}
          data={rows ?? []}
          columns={columns}
          options={{ paging: false, search: true, padding: 'dense' }}
          emptyContent={
            <EmptyState
              missing="data"
              title="No ESC environments yet"
              description={
                mine
                  ? 'Neither you nor your teams own an ESC environment. Create one, or show all.'
                  : 'Nobody has created an ESC environment through the portal yet.'
              }
              action={create}
            />
          }
        />
      )}
    </Content>
  );
}
