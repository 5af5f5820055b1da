import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  escEnvironmentEntityName,
  recordedSubject,
  SUBJECT_MODE_EFFECTS,
  SubjectMode,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';

const LABELS: Record<SubjectMode, string> = {
  subjectAttributes: 'The environment holding the login (recommended)',
  environment: 'The environment that was opened (plain subject)',
};

/**
 * How tokens name the environment. A new environment starts in the
 * recommended mode; an existing one keeps the mode its catalog entity
 * records unless the user picks another, so that the default never
 * migrates anyone silently.
 */
export function SubjectModeField(
  props: FieldExtensionComponentProps<SubjectMode | undefined>,
) {
  const { formData, onChange, schema, idSchema, rawErrors, formContext } =
    props;
  const catalogApi = useApi(catalogApiRef);
  const { organization, project, environment } = (formContext?.formData ??
    {}) as Record<string, string | undefined>;
  const { value: recorded, loading } = useAsync(async () => {
    if (!organization || !project || !environment) return undefined;
    const entity = await catalogApi
      .getEntityByRef(
        `resource:default/${escEnvironmentEntityName({
          organization,
          project,
          environment,
        })}`,
      )
      .catch(() => undefined);
    return recordedSubject(entity?.metadata.annotations).subjectMode;
  }, [catalogApi, organization, project, environment]);

  useEffect(() => {
    if (!loading && !recorded && formData === undefined) {
      onChange('subjectAttributes');
    }
  }, [loading, recorded, formData, onChange]);

  const shown = formData ?? recorded;
  const helper = [
    recorded && formData === undefined
      ? `This environment exists and keeps its subject: ${LABELS[recorded]}.`
      : undefined,
    recorded && formData && formData !== recorded
      ? 'Changing it trusts the new subject first, then updates the definition, then removes the old one.'
      : undefined,
    shown ? SUBJECT_MODE_EFFECTS[shown] : undefined,
  ].filter(Boolean);
  return (
    <TextField
      select
      id={idSchema?.$id}
      label={schema.title}
      value={formData ?? ''}
      error={!!rawErrors?.length}
      margin="normal"
      helperText={helper.join(' ')}
      FormHelperTextProps={{ style: { marginLeft: 0 } }}
      onChange={event =>
        onChange((event.target.value || undefined) as SubjectMode | undefined)
      }
    >
      {recorded && (
        <MenuItem value="">
          Keep the current subject ({LABELS[recorded]})
        </MenuItem>
      )}
      {(Object.keys(LABELS) as SubjectMode[]).map(mode => (
        <MenuItem key={mode} value={mode}>
          {LABELS[mode]}
        </MenuItem>
      ))}
    </TextField>
  );
}
