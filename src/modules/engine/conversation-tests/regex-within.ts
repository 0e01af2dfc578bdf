import vm from 'node:vm';

/**
 * `matches` patterns come from whoever posts the suite, so a catastrophic pattern (`(a+)+$`) must
 * not stall the process: V8 can only interrupt a running regex through `vm`'s watchdog. Replies are
 * short and suites small, so the ~0.2 ms a call costs does not matter.
 */
const TIMEOUT_MS = 50;
const context = vm.createContext({ re: null, input: '', found: false });
const script = new vm.Script('found = re.test(input);');

/** Whether `pattern` matches `input`; null when it ran out of time. */
export function testWithin(pattern: string, input: string): boolean | null {
  context.re = new RegExp(pattern);
  context.input = input;
  try {
    script.runInContext(context, { timeout: TIMEOUT_MS });
    return context.found === true;
  } catch {
    return null;
  } finally {
    context.re = null;
    context.input = '';
  }
}
