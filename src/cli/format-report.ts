/** Human-readable output of `mcp-engine test`: one line per test, then a diff for each failure. */
import { styleText } from 'node:util';
import type { DiffLine, TestFailure, TestResult } from '../modules/engine/index.js';

type Style = 'green' | 'red' | 'dim' | 'bold';
export type Paint = (style: Style, text: string) => string;

/** Colours only for a terminal; pipes and CI logs get plain text. */
export const painter = (color: boolean): Paint => (color ? (style, text) => styleText(style, text) : (_style, text) => text);

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

function diffLines(diff: readonly DiffLine[], paint: Paint): string[] {
  return [
    paint('dim', `        (${paint('green', '- expected')}${paint('dim', ', ')}${paint('red', '+ actual')}${paint('dim', ')')}`),
    ...diff.map((line) => {
      switch (line.kind) {
        case 'same':
          return paint('dim', `          ${line.text}`);
        case 'missing':
          return paint('green', `        - ${line.text}`);
        case 'unexpected':
          return paint('red', `        + ${line.text}`);
        default: {
          const unreachable: never = line.kind;
          return unreachable;
        }
      }
    }),
  ];
}

export function formatFailure(failure: TestFailure, paint: Paint): string[] {
  const where = failure.turn > 0 ? `turn ${failure.turn} (${failure.input === null ? '' : JSON.stringify(failure.input)}) · ` : '';
  const head = `      ${where}${paint('bold', failure.field)}`;
  if (failure.diff) return [head, ...diffLines(failure.diff, paint)];
  if (failure.field === 'error') return [`${head}: ${failure.message ?? show(failure.actual)}`];
  return [head, paint('green', `        expected: ${show(failure.expected)}`), paint('red', `        actual:   ${show(failure.actual)}`)];
}

export function formatResult(result: TestResult, paint: Paint): string[] {
  if (result.ok) return [`  ${paint('green', '✓')} ${result.name}`];
  if (result.failures[0]?.field === 'flow') return [`  ${paint('red', '✗')} ${result.name} ${paint('dim', '(not run: the flow has errors)')}`];
  return [`  ${paint('red', '✗')} ${result.name}`, ...result.failures.flatMap((failure) => formatFailure(failure, paint))];
}

export const formatSummary = (passed: number, failed: number, paint: Paint): string =>
  `${paint(failed > 0 ? 'red' : 'green', `${passed} passed, ${failed} failed`)}`;
