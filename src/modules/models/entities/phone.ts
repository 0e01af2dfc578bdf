import { type CountryCode, findPhoneNumbersInText, isSupportedCountry } from 'libphonenumber-js';
import { defineExtractor } from './extractor.js';

export const DEFAULT_PHONE_REGION: CountryCode = 'US';

/**
 * value: the number in E.164 ("+14155552671"). Numbers without a country code are read in the
 * configured region; libphonenumber keeps only numbers valid for their country, so order ids and
 * short codes are not taken for phones.
 */
export const phoneExtractor = defineExtractor({
  type: 'phone',
  compile(_definition, options) {
    const region = options.phoneRegion.toUpperCase();
    const defaultCountry = isSupportedCountry(region) ? region : DEFAULT_PHONE_REGION;
    return (text) =>
      findPhoneNumbersInText(text, { defaultCountry }).map((m) => ({
        value: m.number.number,
        start: m.startsAt,
        end: m.endsAt,
      }));
  },
});
