/**
 * The shipped examples run through the conversation test runner (so CI keeps them green), and
 * `mcp-engine test` runs as a user runs it: a child process, its exit code and its output.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfflineTurnDeps } from '../src/cli/offline-deps.js';
import { runTestCommand } from '../src/cli/test-command.js';
import { loadConfig } from '../src/config.js';
import { parseSuite, runConversationSuite } from '../src/modules/engine/index.js';

const root = new URL('..', import.meta.url).pathname;
const examples = join(root, 'examples');
const exampleTests = readdirSync(examples).filter((name) => name.endsWith('.test.yaml')).sort();

const config = (() => {
  const loaded = loadConfig({ LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.config;
})();
let offline: Awaited<ReturnType<typeof createOfflineTurnDeps>>;
let scratch: string;
beforeAll(async () => {
  offline = await createOfflineTurnDeps(config);
  scratch = mkdtempSync(join(tmpdir(), 'mcp-conversation-tests-'));
});
afterAll(async () => {
  await offline.close();
  rmSync(scratch, { recursive: true, force: true });
});

function suiteOf(file: string) {
  const parsed = parseSuite(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.suite;
}

describe('examples', () => {
  it('ships at least the three example bots, each with its tests', () => {
    expect(exampleTests).toEqual(expect.arrayContaining(['appointment-booking.test.yaml', 'faq-handoff.test.yaml', 'order-support.test.yaml']));
  });

  it.each(exampleTests)('%s passes', async (name) => {
    const suite = suiteOf(join(examples, name));
    const source = readFileSync(join(examples, suite.flow ?? ''), 'utf8');
    const subflows = suite.flows?.map((path) => ({ source: readFileSync(join(examples, path), 'utf8') }));
    const result = await runConversationSuite({ flow: { source }, suite, deps: offline.turn, ...(subflows ? { subflows } : {}) });
    expect(result.results.filter((r) => !r.ok)).toEqual([]);
    expect(result).toMatchObject({ ok: true, failed: 0, passed: suite.tests.length });
  });
});

describe('the demo bot seeded on first start', () => {
  it('passes its conversation tests (greetings, repair, fallback, handoff)', async () => {
    const demo = join(root, 'src', 'demo');
    const suite = suiteOf(join(demo, 'order-support.test.yaml'));
    const source = readFileSync(join(demo, suite.flow ?? ''), 'utf8');
    const result = await runConversationSuite({ flow: { source }, suite, deps: offline.turn });
    expect(result.results.filter((r) => !r.ok)).toEqual([]);
    expect(result.flowIssues).toEqual([]);
  });
});

describe('runConversationSuite', () => {
  const flow = readFileSync(join(examples, 'faq-handoff.yaml'), 'utf8');

  it('fails every test of a suite whose flow is invalid, listing the flow problems', async () => {
    const suite = suiteOf(join(examples, 'faq-handoff.test.yaml'));
    const broken = flow.replace('to: answer_hours', 'to: answer_hour');
    const result = await runConversationSuite({ flow: { source: broken }, suite, deps: offline.turn });
    expect(result).toMatchObject({ ok: false, flow: 'faq-handoff', passed: 0, failed: suite.tests.length });
    expect(result.flowIssues.find((i) => i.severity === 'error')).toMatchObject({ path: 'states.question.transitions[0].to', code: 'unknown_state' });
    expect(result.results[0]?.failures[0]).toMatchObject({ turn: 0, field: 'flow' });
  });

  it('reports the first failing turn of a test and goes on with the next test', async () => {
    const suite = suiteOf(join(examples, 'faq-handoff.test.yaml'));
    suite.tests[0]!.turns[1]!.expect = { state: 'nowhere', replies: ['Wrong answer'] };
    const seen: string[] = [];
    const result = await runConversationSuite({ flow: { source: flow }, suite, deps: offline.turn, onTest: (r) => seen.push(r.name) });
    expect(seen).toEqual(suite.tests.map((t) => t.name));
    expect(result).toMatchObject({ ok: false, passed: suite.tests.length - 1, failed: 1 });
    const failed = result.results[0]!;
    expect(failed).toMatchObject({ ok: false, turns: 2 });
    expect(failed.failures.map((f) => [f.turn, f.input, f.field])).toEqual([
      [2, 'and can I pay with Vipps?', 'replies'],
      [2, 'and can I pay with Vipps?', 'state'],
    ]);
    expect(failed.failures[0]?.diff).toEqual([
      { kind: 'missing', text: '"Wrong answer"' },
      { kind: 'unexpected', text: '"We accept Visa, Mastercard, Vipps, Klarna (invoice or instalments) and gift cards."' },
      { kind: 'unexpected', text: '"Anything else I can help with?"' },
    ]);
  });
});

/** `mcp-engine test` in process, as main.ts runs it: its output lines and exit code, sharing the file's offline deps. */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const code = await runTestCommand(args, { config, cwd: root, out: (text) => lines.push(text), color: false, offline });
  return { code, stdout: `${lines.join('\n')}\n` };
}

const run = promisify(execFile);
/** The real CLI as a child process: only where the process itself is the subject (exit code, no colours off a terminal). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'test', ...args], { cwd: root, env });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('mcp-engine test', () => {
  it('runs a directory of test files: one line per test, the summary, exit code 0', async () => {
    const { code, stdout } = await inProcess('examples');
    expect(code).toBe(0);
    const total = exampleTests.map((name) => suiteOf(join(examples, name)).tests.length).reduce((a, b) => a + b, 0);
    expect(stdout).toContain('examples/order-support.test.yaml');
    expect(stdout).toContain('  ✓ tracks an order, then says goodbye');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`${total} passed, 0 failed`);
  });

  it('exits 1 with a readable diff when a test fails', async () => {
    const file = join(scratch, 'failing.test.yaml');
    writeFileSync(
      file,
      [
        `flow: ${join(examples, 'faq-handoff.yaml')}`,
        'tests:',
        '  - name: expects the wrong answer',
        '    turns:',
        '      - say: how can I pay',
        '        expect:',
        '          replies: [{ contains: "Hi!" }, "We take cash only.", "Anything else I can help with?"]',
        '          state: answer_payment',
        '  - name: greets',
        '    turns: [{ say: hello, expect: { intent: greet } }]',
      ].join('\n'),
    );
    const { code, stdout } = await inProcess(file);
    expect(code).toBe(1);
    expect(stdout).toContain('  ✗ expects the wrong answer');
    expect(stdout).toContain('      turn 1 ("how can I pay") · replies');
    expect(stdout).toContain('        - "We take cash only."');
    expect(stdout).toContain('        + "We accept Visa, Mastercard, Vipps, Klarna (invoice or instalments) and gift cards."');
    expect(stdout).toContain('          "Anything else I can help with?"');
    expect(stdout).toContain('      turn 1 ("how can I pay") · state\n        expected: "answer_payment"\n        actual:   "question"');
    expect(stdout).toContain('  ✓ greets');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('explains an invalid test file and a missing path, and exits 1, without colours when stdout is not a terminal', async () => {
    const file = join(scratch, 'invalid.test.yaml');
    writeFileSync(file, 'flow: ./nowhere.yaml\ntests:\n  - name: typo\n    turns: [{ sya: hi }]\n');
    // The real process (it needs no embedded database for files it cannot run): exit code and plain output.
    const { code, stdout } = await cli(file, join(scratch, 'missing.test.yaml'));
    expect(code).toBe(1);
    expect(stdout).not.toContain('\u001b[');
    expect(stdout).toContain('missing.test.yaml: no such file or directory');
    expect(stdout).toContain("tests[0].turns[0].sya: unknown key 'sya'");
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 2 failed');
  }, 90_000);
});
