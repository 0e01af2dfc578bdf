/**
 * CPU time of this process, in ms. Evaluation budgets count what builders' templates cost with it,
 * not wall-clock time: on a loaded host the OS gives other processes the core, and a wall-clock
 * budget would end ordinary turns as over budget.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
