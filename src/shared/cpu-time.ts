/** Below this much wall-clock time since the last reading, CPU time is estimated instead of read. */
const READ_EVERY_MS = 5;

let lastWall = performance.now();
let lastCpu = readCpuMs();
/** The latest value handed out, so that an estimate above the next reading never makes time go back. */
let latest = lastCpu;

function readCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time of this process, in ms. Evaluation budgets count what builders' templates cost with it,
 * not wall-clock time: on a loaded host the OS gives other processes the core, and a wall-clock
 * budget would end ordinary turns as over budget. Reading it is a system call, and a turn asks
 * many times, so within 5 ms of the last reading the wall clock stands in for it (a
 * thread cannot use more CPU time than passes); the result never goes backwards.
 */
export function cpuMs(): number {
  const wall = performance.now();
  const sinceRead = wall - lastWall;
  if (sinceRead < READ_EVERY_MS) {
    latest = Math.max(latest, lastCpu + sinceRead);
    return latest;
  }
  lastWall = wall;
  lastCpu = readCpuMs();
  latest = Math.max(latest, lastCpu);
  return latest;
}
