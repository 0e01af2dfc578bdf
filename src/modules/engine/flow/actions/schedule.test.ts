import { describe, expect, it } from 'vitest';
import { validateFlow } from '../flow-validator.js';
import { parseFlowSource } from '../parse-flow-source.js';
import { loadFlow, message, runTurn } from '../step-test-kit.js';
import { parseDelay } from './schedule.js';

const issuesOf = (action: unknown) => {
  const parsed = parseFlowSource({ name: 'x', start: 'a', states: { a: { type: 'end', on_entry: [action] } } });
  if (!parsed.ok) return parsed.issues;
  const validated = validateFlow(parsed.value);
  return validated.ok ? [] : validated.issues;
};

describe('schedule / unschedule actions', () => {
  it('reads delays', () => {
    expect(parseDelay('30s')).toBe(30_000);
    expect(parseDelay('1h30m')).toBe(5_400_000);
    expect(parseDelay('2d')).toBe(172_800_000);
    expect(parseDelay('2 hours')).toBeNull();
    expect(parseDelay('')).toBeNull();
  });

  it('asks chat for a follow-up with its rendered message, and cancels by key', () => {
    const flow = loadFlow({
      name: 'r',
      start: 'a',
      states: { a: { type: 'end', say: 'ok', on_entry: [{ schedule: { in: '2h', message: 'Hi {{ user.name }}', key: 'nudge' } }, { schedule: { in: '1d', event: 'remind' } }, { unschedule: 'old' }] } },
    });
    const { result } = runTurn(flow, null, message('hi', null, { user: { name: 'Ana' } }));
    expect(result.sideEffects).toEqual([
      { kind: 'schedule', key: 'nudge', inMs: 7_200_000, message: 'Hi Ana' },
      { kind: 'schedule', key: null, inMs: 86_400_000, event: 'remind' },
      { kind: 'unschedule', key: 'old' },
    ]);
  });

  it('refuses bad delays, both or neither of message and event, and bad keys', () => {
    expect(issuesOf({ schedule: { in: '2 hours', message: 'x' } })[0]?.message).toContain('a delay such as 30s, 15m, 2h, 1d');
    expect(issuesOf({ schedule: { in: '31d', message: 'x' } }).length).toBeGreaterThan(0);
    expect(issuesOf({ schedule: { in: '1h', message: 'x', event: 'y' } })[0]?.message).toContain('either a message or an event');
    expect(issuesOf({ schedule: { in: '1h' } })[0]?.message).toContain('either a message or an event');
    expect(issuesOf({ unschedule: 'has space' }).length).toBeGreaterThan(0);
    expect(issuesOf({ schedule: { in: '1h', message: '{{ broken' } }).length).toBeGreaterThan(0);
  });
});
