import { dateExtractor, dateTimeExtractor, timeExtractor } from './date-time.js';
import { emailExtractor } from './email.js';
import type { EntityExtractor, EntityType } from './extractor.js';
import { listExtractor } from './list.js';
import { moneyExtractor } from './money.js';
import { numberExtractor } from './number.js';
import { ordinalExtractor } from './ordinal.js';
import { phoneExtractor } from './phone.js';
import { regexExtractor } from './regex.js';
import { urlExtractor } from './url.js';

type AnyExtractor = { [T in EntityType]: EntityExtractor<T> }[EntityType];

/** Every entity type a flow may use. A new type is one file and one line here. */
export const extractors: readonly AnyExtractor[] = [
  regexExtractor,
  listExtractor,
  emailExtractor,
  phoneExtractor,
  numberExtractor,
  ordinalExtractor,
  dateExtractor,
  timeExtractor,
  dateTimeExtractor,
  urlExtractor,
  moneyExtractor,
];

export function extractorFor(type: unknown): AnyExtractor | undefined {
  return extractors.find((e) => e.type === type);
}
