/**
 * `mcp-engine test FILE|DIR…`: runs conversation test files offline, in process, through the same
 * turn code production runs (offline NLU, built-in integrations, no database). Exit code 0 only
 * when every test passes.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Config } from '../config.js';
import { parseSuite, runConversationSuite, type FlowIssue } from '../modules/engine/index.js';
import { formatResult, formatSummary, painter, type Paint } from './format-report.js';
import type { OfflineTurnDeps } from './offline-deps.js';

export interface TestCommandOptions {
  config: Config;
  cwd?: string;
  out?: (text: string) => void;
  color?: boolean;
  /** Turn dependencies already built (their embedded database costs seconds); built and closed here when absent. */
  offline?: OfflineTurnDeps;
}

export const TEST_USAGE = 'Usage: mcp-engine test FILE.test.yaml|DIR …   (a directory means every *.test.yaml in it, recursively)';

const TEST_FILE = /\.test\.ya?ml$/;

/** Files as given, directories expanded to their test files in a stable order; unknown paths are problems. */
export function findTestFiles(args: readonly string[], cwd: string): { files: string[]; problems: string[] } {
  const files: string[] = [];
  const problems: string[] = [];
  for (const arg of args) {
    const path = resolve(cwd, arg);
    if (!existsSync(path)) {
      problems.push(`${arg}: no such file or directory`);
    } else if (statSync(path).isDirectory()) {
      const found = readdirSync(path, { recursive: true, encoding: 'utf8' })
        .filter((name) => TEST_FILE.test(name) && !name.split(/[\\/]/).includes('node_modules'))
        .sort()
        .map((name) => resolve(path, name));
      if (found.length === 0) problems.push(`${arg}: no *.test.yaml files in this directory`);
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  return { files: [...new Set(files)], problems };
}

const issueLines = (issues: readonly FlowIssue[], paint: Paint): string[] =>
  issues.map((i) => `      ${paint(i.severity === 'error' ? 'red' : 'dim', `${i.severity}`)} ${i.path ? `${i.path}: ` : ''}${i.message}${i.line ? ` (line ${i.line})` : ''}`);

export async function runTestCommand(args: readonly string[], options: TestCommandOptions): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  const out = options.out ?? ((text: string) => void process.stdout.write(`${text}\n`));
  const paint = painter(options.color ?? process.stdout.isTTY === true);
  if (args.length === 0) {
    out(TEST_USAGE);
    return 2;
  }
  const { files, problems } = findTestFiles(args, cwd);
  for (const problem of problems) out(`${paint('red', '✗')} ${problem}`);
  if (files.length === 0) return 2;

  out(paint('dim', `Running ${files.length} conversation test file${files.length === 1 ? '' : 's'}…`));
  // Built on first use: a run whose files are all invalid answers at once, without the embedded database.
  const built: { deps?: Promise<OfflineTurnDeps> } = {};
  const deps = async () => {
    built.deps ??= options.offline ? Promise.resolve(options.offline) : import('./offline-deps.js').then((m) => m.createOfflineTurnDeps(options.config));
    return (await built.deps).turn;
  };
  try {
    const counts = await runFiles(files, { cwd, out, paint, deps });
    const failed = counts.failed + problems.length;
    out(`\n${formatSummary(counts.passed, failed, paint)}`);
    return failed === 0 ? 0 : 1;
  } finally {
    if (built.deps && !options.offline) await (await built.deps).close();
  }
}

const readIfExists = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

interface RunContext {
  cwd: string;
  out: (text: string) => void;
  paint: Paint;
  deps: () => Promise<OfflineTurnDeps['turn']>;
}

async function runFiles(files: readonly string[], ctx: RunContext): Promise<{ passed: number; failed: number }> {
  const { cwd, out, paint, deps } = ctx;
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const name = relative(cwd, file) || file;
    const parsed = parseSuite(readFileSync(file, 'utf8'));
    if (!parsed.ok) {
      out(`\n${paint('bold', name)}\n  ${paint('red', '✗')} not a valid test file:`);
      out(issueLines(parsed.issues, paint).join('\n'));
      failed += 1;
      continue;
    }
    const { suite } = parsed;
    const flowPath = suite.flow === undefined ? null : resolve(dirname(file), suite.flow);
    if (flowPath === null || !existsSync(flowPath)) {
      const why = flowPath === null ? 'it names no flow: add `flow: ./your-flow.yaml` (relative to the test file)' : `its flow ${suite.flow} does not exist`;
      out(`\n${paint('bold', name)}\n  ${paint('red', '✗')} ${why}`);
      failed += suite.tests.length;
      continue;
    }
    out(`\n${paint('bold', name)} ${paint('dim', `(flow ${relative(cwd, flowPath)}, ${suite.tests.length} test${suite.tests.length === 1 ? '' : 's'})`)}`);
    const result = await runConversationSuite({
      flow: { source: readFileSync(flowPath, 'utf8') },
      // Flows its `flow` states call; a missing file reads as empty, which the runner reports as an invalid flow.
      ...(suite.flows ? { subflows: suite.flows.map((path) => ({ source: readIfExists(resolve(dirname(file), path)) })) } : {}),
      suite,
      deps: await deps(),
      onTest: (test) => out(formatResult(test, paint).join('\n')),
    });
    const errors = result.flowIssues.filter((i) => i.severity === 'error');
    if (errors.length > 0) out(`  ${paint('red', 'the flow has errors:')}\n${issueLines(errors, paint).join('\n')}`);
    passed += result.passed;
    failed += result.failed;
  }
  return { passed, failed };
}
