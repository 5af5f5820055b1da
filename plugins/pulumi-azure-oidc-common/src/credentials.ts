/**
 * Names of federated identity credentials across runs. Entra names are
 * immutable (a rename replaces the credential), and issuer plus subject must
 * be unique per application, so a credential keeps the name its stack holds
 * for the same subject; a new one never takes a name that trusts another
 * subject; and a credential no longer wanted is retired only once its
 * replacement exists.
 */
import { fingerprint } from './hash';
import { FederatedCredentialSpec } from './federatedCredentials';

/** A credential the plan declares, with the logical name of its resource. */
export interface PlannedCredential extends FederatedCredentialSpec {
  logicalName: string;
}

/** What a stack holds of a credential (its resource's inputs). */
export type RecordedCredential = PlannedCredential;

/**
 * The credentials to declare: each wanted one under the name the stack
 * holds for its subject, or under its own name, with the subject's
 * fingerprint appended when the stack holds that name for another subject.
 */
export function nameCredentials(
  wanted: FederatedCredentialSpec[],
  recorded: RecordedCredential[],
): PlannedCredential[] {
  const bySubject = new Map(recorded.map(c => [c.subject, c]));
  const taken = new Set(recorded.map(c => c.name));
  return wanted.map(spec => {
    const kept = bySubject.get(spec.subject);
    if (kept) {
      return { ...spec, name: kept.name, logicalName: kept.logicalName };
    }
    const name = taken.has(spec.name)
      ? `${spec.name}-${fingerprint(spec.subject)}`
      : spec.name;
    return { ...spec, name, logicalName: `credential-${name}` };
  });
}

/** Credentials the stack holds whose subjects the plan no longer trusts. */
export function retiringCredentials(
  planned: PlannedCredential[],
  recorded: RecordedCredential[],
): RecordedCredential[] {
  const subjects = new Set(planned.map(c => c.subject));
  return recorded.filter(c => !subjects.has(c.subject));
}
