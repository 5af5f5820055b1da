/**
 * The shape of a field's rule, and the helpers rules share.
 */
import { fieldProblem, InputProblem } from './names';
import { FieldRuleContext, ProvisionRequest } from './request';

/** A field's rule: every problem of the request with that field. */
export type FieldRule = (
  request: Partial<ProvisionRequest>,
  context: FieldRuleContext,
) => InputProblem[];

/** Each item of a list checked by a rule, and checked for repeats. */
export function eachItem(
  field: string,
  items: string[],
  check: (item: string) => string | undefined,
): InputProblem[] {
  return items.flatMap((item, index) => {
    const first = items.indexOf(item);
    return fieldProblem(
      `${field}[${index}]`,
      check(item) ??
        (first !== index ? `repeats ${field}[${first}]` : undefined),
    );
  });
}
