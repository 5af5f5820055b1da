import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  describeCatalogDestination,
  ProvisioningOptions,
  requestableRoles,
  RoleCatalogue,
  SUBSCRIPTION_SCOPE,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import IconButton from '@material-ui/core/IconButton';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import RemoveIcon from '@material-ui/icons/RemoveCircleOutline';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { pulumiAzureOidcApiRef } from '../api';
import { PORTAL_OPTIONS, portalOption, unavailableReason } from './rules';

type StringFieldProps = FieldExtensionComponentProps<string>;

/**
 * What every field shows: title, help, and whether it has a problem; the
 * form lists the problems themselves below the field.
 */
function fieldProps(props: StringFieldProps, loadError?: Error) {
  const { idSchema, schema, required, rawErrors, uiSchema } = props;
  return {
    id: idSchema?.$id,
    label: schema.title,
    required,
    error: !!loadError || !!rawErrors?.length,
    helperText:
      loadError?.message ?? uiSchema?.['ui:description'] ?? schema.description,
    margin: 'normal' as const,
    FormHelperTextProps: { style: { marginLeft: 0 } },
  };
}

function useProvisioningOptions() {
  const api = useApi(pulumiAzureOidcApiRef);
  return useAsync(() => api.getOptions(), [api]);
}

/** A text field whose rule lives in the field's validation. */
export function RuleTextField(props: StringFieldProps) {
  const { formData, onChange, disabled } = props;
  return (
    <TextField
      {...fieldProps(props)}
      value={formData ?? ''}
      disabled={disabled}
      onChange={event => onChange(event.target.value || undefined)}
    />
  );
}

/** The organization, starting from the one the portal is configured with. */
export function PulumiOrganizationField(props: StringFieldProps) {
  const { formData, onChange } = props;
  const { value: options, error } = useProvisioningOptions();
  useEffect(() => {
    if (formData === undefined && options?.organization) {
      onChange(options.organization);
    }
  }, [formData, onChange, options]);
  return (
    <TextField
      {...fieldProps(props, error)}
      value={formData ?? ''}
      onChange={event => onChange(event.target.value || undefined)}
    />
  );
}

/** The subscriptions the platform team allows, the default one first chosen. */
export function AzureSubscriptionPicker(props: StringFieldProps) {
  const { formData, onChange } = props;
  const { value: options, loading, error } = useProvisioningOptions();
  const subscriptions = options?.guardrails.allowedSubscriptions ?? [];
  useEffect(() => {
    const initial =
      options?.defaultSubscriptionId ??
      options?.guardrails.allowedSubscriptions[0]?.id;
    if (formData === undefined && initial) {
      onChange(initial);
    }
  }, [formData, onChange, options]);
  return (
    <TextField
      {...fieldProps(props, error)}
      select
      disabled={loading}
      value={formData ?? ''}
      onChange={event => onChange(event.target.value)}
    >
      {subscriptions.map(subscription => (
        <MenuItem key={subscription.id} value={subscription.id}>
          {subscription.name
            ? `${subscription.name} (${subscription.id})`
            : subscription.id}
        </MenuItem>
      ))}
    </TextField>
  );
}

export type RoleAssignmentRow = { role?: string; scope?: string };

/**
 * The role assignments, one row each: a role from those developers may
 * request (or a role definition GUID, typed), and where it applies.
 */
export function AzureRoleAssignments(
  props: FieldExtensionComponentProps<RoleAssignmentRow[]>,
) {
  const { formData, onChange, schema, required, rawErrors, idSchema } = props;
  const { value: options, error } = useProvisioningOptions();
  const roles = options ? roleNames(options) : [];
  const rows = formData ?? [];
  const update = (index: number, change: RoleAssignmentRow) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  return (
    <FormControl
      component="fieldset"
      fullWidth
      margin="normal"
      required={required}
      error={!!error || !!rawErrors?.length}
    >
      <FormLabel component="legend">{schema.title}</FormLabel>
      {rows.map((row, index) => (
        <Box
          key={index}
          display="flex"
          alignItems="flex-end"
          style={{ gap: 16 }}
        >
          <Box flex={1}>
            {/* Controlled value and input alike: an Autocomplete resets its
                input to its value's label when it mounts, which would clear
                a role the form was opened with. */}
            <Autocomplete
              freeSolo
              options={roles}
              value={row.role ?? null}
              inputValue={row.role ?? ''}
              onChange={(_event, role) =>
                update(index, { role: role || undefined })
              }
              onInputChange={(_event, role) =>
                update(index, { role: role || undefined })
              }
              renderInput={params => (
                <TextField
                  {...params}
                  id={`${idSchema?.$id}_${index}_role`}
                  label={`Role ${index + 1}`}
                  margin="dense"
                />
              )}
            />
          </Box>
          <Box flex={1}>
            <TextField
              id={`${idSchema?.$id}_${index}_scope`}
              label={`Scope ${index + 1}`}
              placeholder={SUBSCRIPTION_SCOPE}
              fullWidth
              margin="dense"
              value={row.scope ?? ''}
              onChange={event =>
                update(index, { scope: event.target.value || undefined })
              }
            />
          </Box>
          <IconButton
            aria-label={`Remove role assignment ${index + 1}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            <RemoveIcon />
          </IconButton>
        </Box>
      ))}
      <Box mt={1}>
        <Button
          size="small"
          onClick={() =>
            onChange([...rows, { role: '', scope: SUBSCRIPTION_SCOPE }])
          }
        >
          Add a role assignment
        </Button>
      </Box>
      <FormHelperText>{error?.message ?? schema.description}</FormHelperText>
    </FormControl>
  );
}

function roleNames(options: ProvisioningOptions): string[] {
  return requestableRoles(
    options.guardrails,
    new RoleCatalogue(options.roles),
  ).map(role => role.name);
}

/**
 * A choice the platform may not offer (`ui:options.option` names it): shown
 * disabled, with the reason, where the portal would refuse it.
 */
export function PortalOptionCheckbox(
  props: FieldExtensionComponentProps<boolean>,
) {
  const { formData, onChange, schema, uiSchema, idSchema, rawErrors } = props;
  const { value: options, loading, error } = useProvisioningOptions();
  const option = portalOption(uiSchema?.['ui:options']?.option);
  const unavailable =
    option && options
      ? unavailableReason(
          option,
          (props.formContext?.formData ?? {}) as object,
          options,
        )
      : undefined;
  // A choice the platform does not offer is never left on.
  useEffect(() => {
    if (unavailable && formData) onChange(false);
  }, [unavailable, formData, onChange]);
  const problem = option
    ? error?.message
    : `ui:options.option must be one of ${PORTAL_OPTIONS.join(', ')}`;
  const reason = unavailable && asSentence(unavailable);
  return (
    <FormControl
      margin="normal"
      error={!!problem || !!rawErrors?.length}
      disabled={loading || !option || !!unavailable}
    >
      <FormControlLabel
        label={schema.title}
        control={
          <Checkbox
            id={idSchema?.$id}
            checked={!!formData}
            onChange={event => onChange(event.target.checked)}
          />
        }
      />
      <FormHelperText style={{ marginLeft: 0 }}>
        {problem ?? reason ?? schema.description}
      </FormHelperText>
    </FormControl>
  );
}

/** A rule's problem ("cannot be used: …") as a sentence of its own. */
function asSentence(problem: string): string {
  return `${problem[0].toUpperCase()}${problem.slice(1)}.`;
}

/**
 * Where the entity will be kept, as the platform configures it: shown,
 * never asked, so that a requester cannot send the portal's credentials to
 * a repository of their choosing.
 */
export function CatalogDestinationNotice(props: StringFieldProps) {
  const { value: options, error } = useProvisioningOptions();
  const destination = options?.catalogDestination;
  return (
    <FormControl margin="normal" fullWidth>
      <FormLabel>{props.schema.title}</FormLabel>
      <FormHelperText
        error={!!error}
        style={{ marginLeft: 0 }}
        data-testid="catalog-destination"
      >
        {error?.message ??
          (destination ? describeCatalogDestination(destination) : '…')}
      </FormHelperText>
    </FormControl>
  );
}
