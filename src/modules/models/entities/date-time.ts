import * as chrono from 'chrono-node';
import { type EntityMatch, type ExtractContext, type Matcher, defineExtractor } from './extractor.js';
import { isoWithOffset, offsetMinutes, wallClock } from './time-zone.js';

interface Moment {
  instant: Date;
  start: number;
  end: number;
  hasDate: boolean;
  hasTime: boolean;
}

/**
 * chrono reads the text against `now` in the user's zone. `forwardDate` makes "Friday" or
 * "Dec 25" the next one, which is what a bot taking bookings means. chrono works with the offset
 * at `now`; when the result falls on the other side of a DST change, it is moved by the difference
 * so that "5pm" stays 5pm local. Text with its own zone ("5pm EST") is left as chrono read it.
 */
function readMoments(text: string, context: ExtractContext): Moment[] {
  const cached = context.memo.get('chrono');
  if (cached) return cached as Moment[];
  const offset = offsetMinutes(context.now, context.timeZone);
  const results = chrono.casual.parse(text, { instant: context.now, timezone: offset }, { forwardDate: true });
  const moments = results.map((r): Moment => {
    let instant = r.start.date();
    if (!r.start.isCertain('timezoneOffset')) {
      const drift = offsetMinutes(instant, context.timeZone) - offset;
      if (drift !== 0) instant = new Date(instant.getTime() - drift * 60_000);
    }
    const hasDate = r.start.isCertain('day') || r.start.isCertain('weekday') || r.start.isCertain('month');
    return { instant, start: r.index, end: r.index + r.text.length, hasDate, hasTime: r.start.isCertain('hour') };
  });
  context.memo.set('chrono', moments);
  return moments;
}

function matcher(keep: (m: Moment) => boolean, value: (m: Moment, timeZone: string) => string): Matcher {
  return (text, context) =>
    readMoments(text, context)
      .filter(keep)
      .map((m): EntityMatch => ({ value: value(m, context.timeZone), start: m.start, end: m.end }));
}

/** value: "YYYY-MM-DD" in the user's zone, for text that names a day ("tomorrow", "next Monday", "Dec 25"). */
export const dateExtractor = defineExtractor({
  type: 'date',
  compile: () => matcher((m) => m.hasDate, (m, zone) => wallClock(m.instant, zone).date),
});

/** value: "HH:MM" (24 h) in the user's zone, for text that names an hour ("5pm", "at noon", "in 2 hours"). */
export const timeExtractor = defineExtractor({
  type: 'time',
  compile: () => matcher((m) => m.hasTime, (m, zone) => wallClock(m.instant, zone).time),
});

/**
 * value: ISO 8601 with the user's offset ("2026-11-30T17:00:00+01:00", "Z" in UTC), for any date
 * or time. A missing part is chrono's guess: "tomorrow" is tomorrow at the current time of day,
 * "next Monday" is at 12:00, "5pm" is today.
 */
export const dateTimeExtractor = defineExtractor({
  type: 'datetime',
  compile: () => matcher(() => true, (m, zone) => isoWithOffset(m.instant, zone)),
});
