import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { client } from './support/http.js';
import { startApp } from './support/start-app.js';

const dataDir = mkdtempSync(join(tmpdir(), 'mcp-engine-embedded-'));
const API_KEY = 'mcp_test_bootstrap_key_0123456789';
const embedded = () => startApp({ mode: 'embedded', dataDir, env: { MCP_SEED_DEMO: 'true', MCP_BOOTSTRAP_API_KEY: API_KEY } });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Frame {
  type: string;
  id?: string;
  replies?: { text: string }[];
  error?: { code: string };
}

/** Sends frames over the web chat socket and collects the answers, as the page does. */
async function chatOverSocket(url: string, widgetKey: string, texts: string[]): Promise<Frame[]> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/webchat?key=${widgetKey}&conversation=visitor-1`);
  const frames: Frame[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('open', () => texts.forEach((text, i) => socket.send(JSON.stringify({ type: 'message', id: `m${i}`, text }))));
    socket.on('message', (data) => {
      frames.push(JSON.parse(data.toString()) as Frame);
      if (frames.filter((f) => f.type !== 'ack').length === texts.length) resolve();
    });
  });
  socket.close();
  return frames;
}

// Each test starts PGlite and migrates it from nothing, twice for the restart: tens of seconds on a busy 2-core host.
describe('embedded mode (PGlite + memory), as on a first `npm start`', () => {
  it('seeds the demo, chats over the web chat socket, and keeps everything across a restart', async () => {
    let server = await embedded();
    const demo = server.app.demo!;
    expect(demo.created).toBe(true);
    expect(demo.newApiKey).toBe(API_KEY);

    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(demo.tenant.widgetKey);

    const frames = await chatOverSocket(server.url, demo.tenant.widgetKey, ['where is my order', '12345']);
    const replies = frames.filter((f) => f.type === 'reply').map((f) => f.replies!.map((r) => r.text));
    expect(replies[0]).toEqual(['Hi there! I can track or cancel an order.', 'What is your order number?']);
    expect(replies[1]).toEqual(['Order 12345 is on its way. Anything else?']);
    // How busy PGlite's thread has been: the figure that says when the embedded default is full.
    const busy = /^mcp_embedded_database_busy_seconds_total ([\d.e-]+)$/m.exec(await (await fetch(`${server.url}/metrics`)).text());
    expect(Number(busy?.[1])).toBeGreaterThan(0);

    await server.stop();
    server = await embedded();
    try {
      expect(server.app.demo).toMatchObject({ created: false, newApiKey: null });
      const api = client(server.url, API_KEY);
      const flows = await api.get<{ flows: { name: string; isDefault: boolean }[] }>('/v1/flows');
      expect(flows.body.flows).toEqual([expect.objectContaining({ name: 'order-support', isDefault: true })]);
      const history = await api.get<{ messages: unknown[] }>('/v1/conversations/web:visitor-1/messages');
      expect(history.body.messages).toHaveLength(5);
      expect((await api.get('/v1/conversations/web:visitor-1')).body).toMatchObject({ state: 'ask_more', turn: 2 });
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('refuses a socket with an unknown widget key', async () => {
    const server = await startApp({ mode: 'embedded' });
    try {
      const frames = await new Promise<Frame[]>((resolve) => {
        const got: Frame[] = [];
        const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/webchat?key=wk_nope&conversation=x`);
        socket.on('message', (data) => got.push(JSON.parse(data.toString()) as Frame));
        socket.on('close', () => resolve(got));
      });
      expect(frames).toEqual([expect.objectContaining({ type: 'error', error: expect.objectContaining({ code: 'unauthorized' }) })]);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
