/**
 * How the portal describes the Entra application of an environment: its
 * display name, notes and tags, which also let a later run recognise the
 * application as its own.
 */

/** The Entra application's tag that names its owner: `backstage-owner:<ref>`. */
export const OWNER_TAG_PREFIX = 'backstage-owner:';

/** The Entra application's tag that names its environment, so a run can recognise its own. */
export const ENVIRONMENT_TAG_PREFIX = 'pulumi-esc-environment:';

/** Tags every application the portal creates carries. */
export const PORTAL_APPLICATION_TAG = 'pulumi-esc-oidc';

/** Entra keeps up to 1024 characters of notes. */
const NOTES_MAX_LENGTH = 1024;

export interface ApplicationDescription {
  displayName: string;
  notes: string;
  tags: string[];
}

/** The application's display name: unique per environment, as Graph's duplicate check needs. */
export function applicationDisplayName(environmentRef: string): string {
  return `Pulumi ESC ${environmentRef}`;
}

export function describeApplication(
  environmentRef: string,
  owner: string,
  requestedBy: string,
): ApplicationDescription {
  const notes = [
    `Azure identity of the Pulumi ESC environment ${environmentRef}, managed by the Backstage golden path; it trusts Pulumi Cloud through OIDC and holds no secret.`,
    `Owner: ${owner}.`,
    `Requested by: ${requestedBy}.`,
  ].join('\n');
  return {
    displayName: applicationDisplayName(environmentRef),
    notes: notes.slice(0, NOTES_MAX_LENGTH),
    tags: [
      PORTAL_APPLICATION_TAG,
      `${ENVIRONMENT_TAG_PREFIX}${environmentRef}`,
      `${OWNER_TAG_PREFIX}${owner}`,
    ],
  };
}
