import { z } from 'zod';

/** The body of every failure: `{error: {code, message, details?}}` (gateway/errors.ts renders it). */
export const errorResponseSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error' });

/** A 204: no body. */
export const noContent = z.null().describe('No content');

/** A route's response schemas: its successes as given, and the error body for every 4xx and 5xx. */
export const responses = <const Success extends Record<number, z.ZodType>>(success: Success) => ({ ...success, '4xx': errorResponseSchema, '5xx': errorResponseSchema });

/** `{[key]: items}`, the shape of every list the API returns (so that fields can be added beside the list later). */
export const listOf = <Key extends string, Item extends z.ZodType>(key: Key, item: Item) => z.object({ [key]: z.array(item) } as { [K in Key]: z.ZodArray<Item> });
