import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { dialogflowZip } from '../../../../test/support/dialogflow-zip.js';
import { convertDialogflowAgent } from './dialogflow-agent.js';
import { convertRasaNlu } from './rasa-nlu.js';

const fixtures = new URL('../../../../test/fixtures/nlu/', import.meta.url);

describe('Rasa nlu.yml import', () => {
  const { document, warnings } = convertRasaNlu(readFileSync(new URL('rasa-nlu.yml', fixtures), 'utf8'));

  it('keeps intents with their examples as plain text, annotations removed', () => {
    expect(Object.keys(document.intents)).toEqual(['greet', 'book_flight', 'check_balance']);
    expect(document.intents.book_flight).toEqual([
      'I want to fly to Berlin',
      'book a flight to NYC',
      'get me a ticket to Paris please',
      'I need a flight from big apple to Berlin',
    ]);
    expect(document.intents.check_balance).toEqual(['what is my balance', 'how much money is on account 12345678']);
  });

  it('turns annotations, lookups and synonyms into a list entity, and regexes into a regex entity', () => {
    expect(document.entities.city).toEqual({
      type: 'list',
      values: {
        Berlin: [],
        'New York': ['NYC', 'big apple', 'new york city', 'the big apple'],
        Paris: [],
        Lisbon: [],
      },
    });
    expect(document.entities.account_number).toEqual({ type: 'regex', pattern: '\\d{8,10}' });
  });

  it('says what it skipped', () => {
    expect(warnings).toEqual([expect.stringContaining("synonym 'nobody_uses_this' is not a value of any entity")]);
  });

  it('refuses what is not a Rasa NLU file, with a hint', () => {
    expect(() => convertRasaNlu('stories:\n- story: x\n')).toThrow(/expected a top-level `nlu:` list/);
    expect(() => convertRasaNlu('nlu: [\n')).toThrow(/not valid YAML \(line/);
    expect(() => convertRasaNlu('nlu:\n- lookup: city\n  examples: |\n    - Berlin\n')).toThrow(/no intent with examples/);
  });

  it('skips a regex RE2 cannot run, and says so', () => {
    const { document: doc, warnings: skipped } = convertRasaNlu('nlu:\n- intent: a\n  examples: |\n    - x\n- regex: r\n  examples: |\n    - (a)\\1\n');
    expect(doc.entities.r).toBeUndefined();
    expect(skipped[0]).toMatch(/regex 'r'/);
  });
});

describe('Dialogflow ES agent import', () => {
  const { document, warnings } = convertDialogflowAgent(dialogflowZip());

  it('reads intents and their training phrases in the agent language, without the fallback intent', () => {
    expect(document.intents).toEqual({
      'Default Welcome Intent': ['hello', 'hi there'],
      'order.pizza': ['I want a large pizza', 'order a pizza for tomorrow', 'can I get a pizza'],
    });
    expect(warnings).toEqual([expect.stringContaining("'Default Fallback Intent' is a fallback intent; its 1 examples were skipped")]);
  });

  it('maps entities: values with synonyms, regexp entities, and system entities to built-in types', () => {
    expect(document.entities.size).toEqual({ type: 'list', values: { large: ['big', 'family size'], small: ['little'] } });
    expect(document.entities['order-code']).toEqual({ type: 'regex', pattern: 'PZ-[0-9]{4}' });
    expect(document.entities.date).toEqual({ type: 'date' });
  });

  it('reads an export whose files sit in a top folder', () => {
    expect(convertDialogflowAgent(dialogflowZip('dialogflow-agent', 'PizzaAgent/')).document.intents['order.pizza']).toHaveLength(3);
  });

  it('refuses an export that unpacks too large, before inflating it', () => {
    const bomb = zipSync({ 'agent.json': new TextEncoder().encode('{}'), 'intents/big.json': new Uint8Array(21 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(() => convertDialogflowAgent(bomb)).toThrow(/too large once unpacked/);
  });

  it('refuses a file that is not a zip, and a zip without agent.json', () => {
    expect(() => convertDialogflowAgent(new TextEncoder().encode('not a zip'))).toThrow(/not a readable zip file/);
    expect(() => convertDialogflowAgent(zipSync({ 'readme.txt': new TextEncoder().encode('hi') }))).toThrow(/no agent.json/);
  });
});
