import { describe, expect, it } from 'vitest';
import { createGroupedReads } from './grouped-reads.js';

describe('grouped reads', () => {
  it('fails the reads of a group whose statement failed, and reads the next group all the same', async () => {
    const groups: string[][] = [];
    const reads = createGroupedReads<string>(async (_tenantId, keys) => {
      groups.push([...keys]);
      if (keys.includes('bad')) throw new Error('the database went away');
      return new Map(keys.map((key) => [key, `row ${key}`]));
    });
    const first = reads.read('t1', 'a');
    const second = [reads.read('t1', 'bad'), reads.read('t1', 'b')];
    const twice = reads.read('t1', 'b');
    await expect(first).resolves.toBe('row a');
    await expect(Promise.all(second)).rejects.toThrow('the database went away');
    await expect(twice).rejects.toThrow('the database went away');
    await expect(reads.read('t1', 'c')).resolves.toBe('row c');
    // The same key asked twice is read once.
    expect(groups).toEqual([['a'], ['bad', 'b'], ['c']]);
  });

  it('keeps tenants apart: each group is one tenant’s', async () => {
    const groups: [string, string[]][] = [];
    const reads = createGroupedReads<string>(async (tenantId, keys) => {
      groups.push([tenantId, [...keys]]);
      return new Map(keys.map((key) => [key, `${tenantId}/${key}`]));
    });
    const rows = await Promise.all([reads.read('t1', 'a'), reads.read('t2', 'a'), reads.read('t1', 'b'), reads.read('t2', 'b')]);
    expect(rows).toEqual(['t1/a', 't2/a', 't1/b', 't2/b']);
    expect(groups).toEqual([['t1', ['a']], ['t2', ['a']], ['t1', ['b']], ['t2', ['b']]]);
  });
});
