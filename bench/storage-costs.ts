import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';

/** Committed PostgreSQL transactions of the bench's database so far (every backend, background work included). */
export async function databaseCommits(databaseUrl: string): Promise<number> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Busy backends report their counts at most once a second, idle ones within 10 s (PostgreSQL 15).
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const [row] = (await db.query<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()')).rows;
    return Number(row?.n ?? 0);
  } finally {
    await db.end();
  }
}

/** Calls per command since Redis started (or its stats were reset), from INFO commandstats. */
export async function redisCommandCalls(redisUrl: string): Promise<Map<string, number>> {
  const redis = new Redis(redisUrl);
  try {
    const info = await redis.info('commandstats');
    const calls = new Map<string, number>();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
    return calls;
  } finally {
    redis.disconnect();
  }
}

/** What each command was called per turn between two readings (the readings' own INFO left out), largest first. */
export function perTurn(before: Map<string, number>, after: Map<string, number>, turns: number): { command: string; perTurn: number }[] {
  return [...after]
    .map(([command, n]) => ({ command, perTurn: (n - (before.get(command) ?? 0) - (command === 'info' ? 1 : 0)) / turns }))
    .filter((row) => row.perTurn > 0.005)
    .sort((a, b) => b.perTurn - a.perTurn);
}

/**
 * User + system CPU time in ms from a `/proc/<pid>/stat` line (the name may hold spaces and
 * parentheses, so fields count from the last ')'); with `reapedChildren`, also that of the children
 * it has waited for: a PostgreSQL backend that exits during a run (the pool closes idle
 * connections) leaves its CPU only in the postmaster's.
 */
function cpuMsOfStat(stat: string, reapedChildren = false): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (reapedChildren ? own + Number(fields[13]) + Number(fields[14]) : own) * 10;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
export function processCpuMs(pid: number): number {
  return cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** CPU time (ms) of every process now running, by what it is, and the machine's busy time, time stolen by the hypervisor and context switches so far (Linux). */
export interface MachineCpu {
  busyMs: number;
  stealMs: number;
  contextSwitches: number;
  byGroup: Map<string, number>;
}

/** The CPU the whole machine has spent so far, grouped: `servers` by pid, PostgreSQL and Redis by process name, this process as the load generator. */
export function machineCpu(servers: readonly number[]): MachineCpu {
  const byGroup = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended in between
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const pid = Number(entry);
    const group = servers.includes(pid) ? 'server' : pid === process.pid ? 'load generator' : name.startsWith('postgres') ? 'PostgreSQL' : name.startsWith('redis') ? 'Redis' : 'other';
    // Counting reaped children too counts every CPU second once: an ended process's is in its parent's.
    byGroup.set(group, (byGroup.get(group) ?? 0) + cpuMsOfStat(stat, true));
  }
  const proc = readFileSync('/proc/stat', 'utf8');
  const cpu = proc.split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  // user, nice, system, irq, softirq (in 10 ms ticks); steal apart: the host's other guests, not this machine's work
  const busyMs = [0, 1, 2, 5, 6].reduce((sum, i) => sum + (cpu[i] ?? 0), 0) * 10;
  return { busyMs, stealMs: (cpu[7] ?? 0) * 10, contextSwitches: Number(/^ctxt (\d+)$/m.exec(proc)?.[1] ?? 0), byGroup };
}

/** Where the machine's CPU went per message between two readings: a row's second line. */
export function formatMachineCost(before: MachineCpu, after: MachineCpu, messages: number): string {
  const per = (ms: number) => Math.round((ms * 1000) / messages);
  const groups = [...after.byGroup]
    .map(([group, ms]) => [group, per(ms - (before.byGroup.get(group) ?? 0))] as const)
    .filter(([, us]) => us > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([group, us]) => `${group} ${us}`)
    .join(', ');
  const switches = (after.contextSwitches - before.contextSwitches) / messages;
  const steal = per(after.stealMs - before.stealMs);
  return `    whole machine: ${per(after.busyMs - before.busyMs)} µs CPU/msg (${groups}), ${switches.toFixed(1)} context switches/msg${steal > 0 ? `; ${steal} µs/msg stolen by the hypervisor` : ''}`;
}
