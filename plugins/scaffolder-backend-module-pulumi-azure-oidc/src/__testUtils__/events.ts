import { EngineEvent } from '@pulumi/pulumi/automation';

/** An engine diagnostic, as the Automation API reports it. */
export const diagnostic = (
  severity: 'error' | 'warning' | 'info',
  message: string,
): EngineEvent => ({
  sequence: 0,
  timestamp: 0,
  diagnosticEvent: { severity, color: 'never', message },
});

/** A resource step of the program's project, as the Automation API reports it. */
export const resourceStep = (
  kind: 'resourcePreEvent' | 'resOutputsEvent' | 'resOpFailedEvent',
  op: string,
  type: string,
  name: string,
  extra: object = {},
) =>
  ({
    sequence: 0,
    timestamp: 0,
    [kind]: {
      metadata: {
        op,
        urn: `urn:pulumi:stack::esc-azure-oidc::${type}::${name}`,
        type,
        provider: '',
        ...extra,
      },
      status: 1,
      steps: 1,
    },
  } as unknown as EngineEvent);
