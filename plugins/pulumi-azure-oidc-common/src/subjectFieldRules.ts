/**
 * The rules of the fields that say whom tokens name: the subject mode, its
 * attributes, the root environments, and the IaC subject.
 */
import { checkEnvironmentReference, fieldProblem } from './names';
import { checkIacSubjectAllowed } from './guardrails';
import { SUBJECT_ATTRIBUTES, SUBJECT_MODES } from './oidc';
import { eachItem, FieldRule } from './fieldRule';
import { requestedSubjectAttributes, requestedSubjectMode } from './request';

export const subjectMode: FieldRule = request =>
  fieldProblem(
    'subjectMode',
    request.subjectMode === undefined ||
      SUBJECT_MODES.includes(request.subjectMode)
      ? undefined
      : `must be one of ${SUBJECT_MODES.join(', ')}`,
  );

export const subjectAttributes: FieldRule = (request, context) => {
  const { mode } = requestedSubjectMode(request, context);
  if (mode === 'environment') {
    return fieldProblem(
      'subjectAttributes',
      request.subjectAttributes?.length
        ? "only apply when subjectMode is 'subjectAttributes'"
        : undefined,
    );
  }
  const chosen = requestedSubjectAttributes(request, context);
  const unknown = chosen.find(a => !SUBJECT_ATTRIBUTES.includes(a));
  return [
    ...fieldProblem(
      'subjectAttributes',
      chosen.length === 0
        ? `must list at least one of ${SUBJECT_ATTRIBUTES.join(', ')}`
        : undefined,
    ),
    ...fieldProblem(
      'subjectAttributes',
      unknown === undefined
        ? undefined
        : `must only list ${SUBJECT_ATTRIBUTES.join(
            ', ',
          )}; '${unknown}' is not one of them`,
    ),
    ...fieldProblem(
      'subjectAttributes',
      new Set(chosen).size === chosen.length
        ? undefined
        : 'must list each attribute once',
    ),
  ];
};

export const rootEnvironments: FieldRule = (request, context) => {
  const roots = request.rootEnvironments ?? [];
  if (roots.length === 0) return [];
  if (
    !requestedSubjectAttributes(request, context).includes(
      'rootEnvironment.name',
    )
  ) {
    return fieldProblem(
      'rootEnvironments',
      "only apply when subjectAttributes lists 'rootEnvironment.name'",
    );
  }
  const own = `${request.project}/${request.environment}`;
  return eachItem(
    'rootEnvironments',
    roots,
    root =>
      checkEnvironmentReference(root) ??
      (root === own
        ? 'names the environment itself, which is always trusted'
        : undefined),
  );
};

export const includeIacSubject: FieldRule = (request, context) =>
  request.includeIacSubject
    ? fieldProblem(
        'includeIacSubject',
        checkIacSubjectAllowed(
          context.guardrails,
          requestedSubjectMode(request, context).mode,
        ),
      )
    : [];
