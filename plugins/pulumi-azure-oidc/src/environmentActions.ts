/**
 * Where an environment's actions lead: the golden path's templates, opened
 * with the environment's answers (the scaffolder reads a form's initial
 * values from its `formData` query parameter).
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EscEnvironmentView } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/**
 * What Update opens the form with: the answers the entity keeps or, for an
 * entity from before the portal kept them, what its annotations record.
 */
export function updateAnswers(
  view: EscEnvironmentView,
  entity: Entity,
): Record<string, unknown> {
  if (view.request) return view.request;
  const answers: Record<string, unknown> = {
    ...view.environment,
    subscriptionId: view.subscriptionId,
    owner: entity.spec?.owner,
    system: entity.spec?.system,
    description: entity.metadata.description,
    subjectMode: view.subjectMode,
  };
  return Object.fromEntries(
    Object.entries(answers).filter(([, value]) => value !== undefined),
  );
}

/** What Decommission opens the form with: the environment, left to confirm. */
export function decommissionAnswers(entity: Entity): Record<string, unknown> {
  return { environment: stringifyEntityRef(entity) };
}

/** A template's path with the form's initial values. */
export function withFormData(path: string, answers: object): string {
  return `${path}?formData=${encodeURIComponent(JSON.stringify(answers))}`;
}
