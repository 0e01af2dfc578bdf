import { describe, expect, it } from 'vitest';
import { entityDefinitionIssues } from './extract-entities.js';

describe('entityDefinitionIssues', () => {
  it('accepts every valid definition', () => {
    expect(
      entityDefinitionIssues({
        order_id: { type: 'regex', pattern: '\\b[0-9]{5,8}\\b', flags: 'i' },
        size: { type: 'list', values: ['small', 'large'] },
        city: { type: 'list', values: { Paris: [], 'New York': ['nyc'] } },
        email: { type: 'email' },
        when: { type: 'datetime' },
      }),
    ).toEqual([]);
    expect(entityDefinitionIssues(undefined)).toEqual([]);
  });

  it('explains a bad regex pattern in plain words, at the pattern path', () => {
    expect(entityDefinitionIssues({ order_id: { type: 'regex', pattern: '([0-9]+' } })).toEqual([
      { path: 'nlu.entities.order_id.pattern', message: 'pattern "([0-9]+" is not a valid regular expression: a "(" is never closed (Unterminated group)' },
    ]);
    const [nothingToRepeat] = entityDefinitionIssues({ x: { type: 'regex', pattern: '*.pdf' } });
    expect(nothingToRepeat?.message).toContain('*, + or ? follows nothing');
    const [unicode] = entityDefinitionIssues({ x: { type: 'regex', pattern: '\\p{Foo}', flags: 'u' } });
    expect(unicode?.message).toContain('Invalid property name');
  });

  it('reports bad flags and a missing pattern', () => {
    expect(entityDefinitionIssues({ a: { type: 'regex', pattern: 'x', flags: 'iq' } })).toEqual([
      { path: 'nlu.entities.a.flags', message: expect.stringContaining('unknown flag "q"') },
    ]);
    expect(entityDefinitionIssues({ a: { type: 'regex', pattern: 'x', flags: 'ii' } })[0]?.message).toContain('twice');
    expect(entityDefinitionIssues({ a: { type: 'regex' } })).toEqual([
      { path: 'nlu.entities.a.pattern', message: expect.stringContaining('non-empty `pattern`') },
    ]);
  });

  it('reports an unknown type with the known ones', () => {
    expect(entityDefinitionIssues({ colour: { type: 'color' } })).toEqual([
      { path: 'nlu.entities.colour.type', message: expect.stringContaining('unknown entity type "color"; use one of: regex, list') },
    ]);
    expect(entityDefinitionIssues({ nothing: {} })[0]?.path).toBe('nlu.entities.nothing.type');
  });

  it('reports a list without values', () => {
    for (const values of [undefined, [], {}, [''], 'small, large']) {
      expect(entityDefinitionIssues({ size: { type: 'list', values } })).toEqual([
        { path: 'nlu.entities.size.values', message: expect.stringContaining('needs `values`') },
      ]);
    }
  });

  it('reports shapes that are not maps or objects', () => {
    expect(entityDefinitionIssues(['email'])[0]?.path).toBe('nlu.entities');
    expect(entityDefinitionIssues({ email: 'email' })[0]?.path).toBe('nlu.entities.email');
  });
});
