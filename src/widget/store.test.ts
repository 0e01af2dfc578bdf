import { describe, expect, it } from 'vitest';
import { createChatStore, type KeyValueStorage } from './store.js';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const ids = () => {
  let n = 0;
  return () => `id${++n}`;
};

describe('chat store', () => {
  it('keeps the conversation, the unanswered messages and the transcript across a reload', () => {
    const storage = memoryStorage();
    const first = createChatStore(storage, 'wk_a', ids());
    const sent = first.send({ text: 'where is my order' });
    first.answer(sent.id, [{ type: 'text', text: 'Your order number?', quickReplies: [{ title: 'Skip', payload: 'skip' }] }], false);
    first.send({ text: '12345' });

    const reloaded = createChatStore(storage, 'wk_a', () => 'other');
    expect(reloaded.state.conversation).toBe(first.state.conversation);
    expect(reloaded.state.outbox).toEqual([{ id: 'id3', text: '12345' }]);
    expect(reloaded.state.transcript.map((e) => `${e.from}:${e.text}`)).toEqual(['user:where is my order', 'bot:Your order number?', 'user:12345']);
    expect(reloaded.state.transcript[1]?.quickReplies).toEqual([{ title: 'Skip', payload: 'skip' }]);
  });

  it('draws an answer once, however often a resent message is answered', () => {
    const store = createChatStore(memoryStorage(), 'wk_a', ids());
    const sent = store.send({ text: 'hi' });
    expect(store.answer(sent.id, [{ type: 'text', text: 'Hello' }], false)).toHaveLength(1);
    expect(store.answer(sent.id, [{ type: 'text', text: 'Hello' }], false)).toBeNull();
    expect(store.state.transcript).toHaveLength(2);
  });

  it('sends a button press as its payload, shown with its title', () => {
    const store = createChatStore(memoryStorage(), 'wk_a', ids());
    expect(store.send({ text: 'Track an order', payload: 'track_order' })).toEqual({ id: 'id2', payload: 'track_order' });
    expect(store.state.transcript).toEqual([{ id: 'id2', from: 'user', text: 'Track an order' }]);
  });

  it('keeps one state per widget key, and starts over on a value it cannot read', () => {
    const storage = memoryStorage();
    storage.setItem('mcp-chat:wk_b', '{not json');
    const a = createChatStore(storage, 'wk_a', () => 'conv-a');
    const b = createChatStore(storage, 'wk_b', () => 'conv-b');
    expect([a.state.conversation, b.state.conversation]).toEqual(['conv-a', 'conv-b']);
  });

  it('keeps working in memory when storage refuses writes', () => {
    const storage = memoryStorage();
    storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    const store = createChatStore(storage, 'wk_a', ids());
    store.send({ text: 'hi' });
    expect(store.state.outbox).toHaveLength(1);
  });

  it('adds each agent message once and records a failed message', () => {
    const store = createChatStore(memoryStorage(), 'wk_a', ids());
    expect(store.addAgentMessages([{ id: 'm1', text: 'Hi, Sam here' }])).toHaveLength(1);
    expect(store.addAgentMessages([{ id: 'm1', text: 'Hi, Sam here' }, { id: 'm2', text: 'How can I help?' }])).toHaveLength(1);
    const sent = store.send({ text: 'x' });
    expect(store.fail(sent.id, 'too long')).toMatchObject({ from: 'notice', text: 'too long' });
    expect(store.state.outbox).toEqual([]);
  });
});
