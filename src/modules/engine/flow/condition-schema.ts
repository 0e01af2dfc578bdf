import { z } from 'zod';

/** Operators of structured conditions `{field, op, value}` (DESIGN §4). */
export const CONDITION_OPERATORS = [
  'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in',
  'contains', 'starts_with', 'ends_with', 'matches', 'exists', 'empty',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export interface FieldCondition {
  field: string;
  op: ConditionOperator;
  value?: unknown;
}
export type StructuredCondition =
  | FieldCondition
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };
/** A CEL expression string, or a structured condition. */
export type Condition = string | StructuredCondition;

// A getter-based recursive schema keeps z.toJSONSchema able to emit a $ref for the recursion.
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.string().min(1, 'a condition cannot be empty'),
    z.strictObject({
      field: z.string().min(1),
      op: z.enum(CONDITION_OPERATORS),
      value: z.unknown().optional(),
    }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);
