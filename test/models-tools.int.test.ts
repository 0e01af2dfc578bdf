import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../src/modules/storage/index.js';
import { type FakeAnthropic, message, startFakeAnthropic } from './fakes/anthropic.js';
import { type FakeOpenAi, startFakeOpenAi } from './fakes/openai.js';
import { modelsHarness, startModelsStorage } from './support/models-harness.js';

const TOOLS = [{ name: 'orders__get_order', description: 'Look an order up', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }];

let storage: Storage;
let anthropic: FakeAnthropic | undefined;
let openai: FakeOpenAi | undefined;
beforeAll(async () => {
  storage = await startModelsStorage();
});
afterAll(async () => {
  await storage.close();
});
afterEach(async () => {
  await anthropic?.close();
  await openai?.close();
});

describe('tool calls and embeddings through the providers’ SDKs', () => {
  it('Anthropic: tool_use blocks become tool calls, and results go back as tool_result blocks of one user turn', async () => {
    anthropic = await startFakeAnthropic();
    const { models, tenant } = modelsHarness({ storage, anthropicUrl: anthropic.url });
    anthropic.enqueue(message({ tool: 'orders__get_order', input: { id: '7' } }));
    const first = await models.converse(tenant, { instructions: 'Find orders.', messages: [{ role: 'user', text: 'Where is order 7?' }], tools: TOOLS });
    expect(first).toMatchObject({ ok: true, provider: 'anthropic', toolCalls: [{ id: 'toolu_fake', name: 'orders__get_order', arguments: { id: '7' } }] });
    expect((anthropic.calls()[0]!.body as { tools: { name: string; input_schema: { type: string } }[] }).tools).toEqual([
      { name: 'orders__get_order', description: 'Look an order up', input_schema: TOOLS[0]!.parameters },
    ]);

    anthropic.enqueue(message({ text: 'Order 7 has shipped.' }));
    const second = await models.converse(tenant, {
      instructions: 'Find orders.',
      messages: [
        { role: 'user', text: 'Where is order 7?' },
        { role: 'assistant', text: '', toolCalls: [{ id: 'toolu_fake', name: 'orders__get_order', arguments: { id: '7' } }] },
        { role: 'tool', toolCallId: 'toolu_fake', name: 'orders__get_order', result: '{"status":"shipped"}' },
      ],
      tools: TOOLS,
    });
    expect(second).toMatchObject({ ok: true, text: 'Order 7 has shipped.', toolCalls: [] });
    const sent = anthropic.calls()[1]!.body as { system: string; messages: { role: string; content: { type: string }[] }[] };
    expect(sent.messages.map((m) => [m.role, m.content.map((b) => b.type)])).toEqual([
      ['user', ['text']],
      ['assistant', ['tool_use']],
      ['user', ['tool_result']],
    ]);
    // The customer's words are data in a user turn, never part of the system prompt.
    expect(sent.system).not.toContain('order 7');
  });

  it('embeddings: OpenAI returns vectors in order; Anthropic alone has no embeddings API', async () => {
    openai = await startFakeOpenAi();
    const withOpenAi = modelsHarness({ storage, openaiUrl: openai.url });
    const embedded = await withOpenAi.models.embed(withOpenAi.tenant, ['refund policy', 'shipping times']);
    expect(embedded).toMatchObject({ ok: true, model: 'openai/text-embedding-3-small' });
    expect(embedded.ok && embedded.vectors.map((v) => v.length)).toEqual([256, 256]);

    anthropic = await startFakeAnthropic();
    const onlyAnthropic = modelsHarness({ storage, anthropicUrl: anthropic.url });
    expect(await onlyAnthropic.models.embed(onlyAnthropic.tenant, ['x'])).toMatchObject({ ok: false, error: { code: 'no_model' } });
  });
});
