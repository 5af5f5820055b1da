import {
  Progress,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  EscEnvironmentRef,
  RecordedCheck,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { pulumiAzureOidcApiRef } from './api';

const WORDS: Record<RecordedCheck['status'], string> = {
  passed: 'works',
  failed: 'is broken',
  incomplete: 'could not be fully checked',
  drifted: 'has drifted',
};

function StatusIcon({ status }: { status: RecordedCheck['status'] }) {
  if (status === 'passed') return <StatusOK />;
  if (status === 'failed') return <StatusError />;
  return <StatusWarning />;
}

/** One check's outcome: when, what, and each link that did not pass. */
function CheckSummary({
  label,
  check,
}: {
  label: string;
  check?: RecordedCheck;
}) {
  if (!check) {
    return <Typography variant="body2">{label}: never run</Typography>;
  }
  const problems = [
    ...(check.drift ?? []),
    ...check.checks
      .filter(c => c.status !== 'passed')
      .map(c => `${c.name} ${c.status}: ${c.detail}`),
  ];
  return (
    <Box mb={1}>
      <Typography variant="body2">
        <StatusIcon status={check.status} />
        {label}: the trust {WORDS[check.status]} (
        {new Date(check.checkedAt).toLocaleString()})
      </Typography>
      {problems.map(problem => (
        <Typography key={problem} variant="caption" component="div">
          {problem}
        </Typography>
      ))}
    </Box>
  );
}

/**
 * Whether the environment's trust works, as the last verification and
 * drift check found, and, for those allowed, a button to verify it now
 * (the portal refuses others anyway, and says why).
 */
export function EnvironmentHealth({
  environment,
  mayVerify,
}: {
  environment: EscEnvironmentRef;
  mayVerify: boolean;
}) {
  const api = useApi(pulumiAzureOidcApiRef);
  const [verified, setVerified] = useState<RecordedCheck>();
  const [verifying, setVerifying] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const { value, loading, error } = useAsync(
    () => api.getStatus(environment),
    [
      api,
      environment.organization,
      environment.project,
      environment.environment,
    ],
  );
  const verify = useCallback(async () => {
    setVerifying(true);
    setRefusal(undefined);
    try {
      setVerified(await api.verify(environment));
    } catch (e) {
      setRefusal((e as Error).message);
    } finally {
      setVerifying(false);
    }
  }, [api, environment]);

  if (loading) return <Progress />;
  return (
    <Box mt={2}>
      {error ? (
        <Typography color="error">{error.message}</Typography>
      ) : (
        <>
          <CheckSummary
            label="Last verification"
            check={verified ?? value?.verify[0]}
          />
          <CheckSummary label="Last drift check" check={value?.drift[0]} />
        </>
      )}
      {mayVerify && (
        <Button
          variant="outlined"
          size="small"
          disabled={verifying}
          onClick={verify}
        >
          {verifying ? 'Verifying…' : 'Verify now'}
        </Button>
      )}
      {refusal && (
        <Typography color="error" variant="body2">
          {refusal}
        </Typography>
      )}
    </Box>
  );
}
