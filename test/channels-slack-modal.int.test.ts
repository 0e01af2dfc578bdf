import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Received, Recorder } from './fakes/http-recorder.js';
import { signSlack, startFakeSlack } from './fakes/slack.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/channels/${name}`, import.meta.url), 'utf8');
const TRIGGER = '13345224609.738474920.8088930838d88f008e0';

let server: TestApp;
let slack: Recorder;
beforeAll(async () => {
  slack = await startFakeSlack();
  server = await startApp({ env: { MCP_OUTBOX_POLL_MS: '20' } });
});
afterAll(async () => {
  await server.stop();
  await slack.close();
});

const postSlack = (tenant: TestTenant, body: string, contentType = 'application/x-www-form-urlencoded') =>
  fetch(`${server.url}/v1/channels/${tenant.slug}/slack`, { method: 'POST', headers: { 'content-type': contentType, ...signSlack('signing-secret', body, Date.now()) }, body });

/** The requests the fake received that `match`, once `count` of them arrived. */
async function until(match: (r: Received) => boolean, count: number): Promise<Received[]> {
  for (let waited = 0; ; waited += 20) {
    const found = slack.received.filter(match);
    if (found.length >= count) return found;
    if (waited > 10_000) throw new Error(`expected ${count} matching requests, got ${found.length}`);
    await sleep(20);
  }
}

/** A workspace whose default flow is modal-bot, on Slack; its slash command `/deliver` answers through a response_url on the fake. */
async function modalWorkspace() {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const flow = await api.post<{ id: string }>('/v1/flows', fixture('modal-bot.yaml'));
  expect(flow.status).toBe(201);
  await api.post(`/v1/flows/${flow.body.id}/publish`);
  await api.post(`/v1/flows/${flow.body.id}/default`);
  await api.call('PUT', '/v1/channels/slack', { config: { botToken: 'xoxb-modal', signingSecret: 'signing-secret', apiBaseUrl: slack.url } });
  const channel = `C${tenant.slug.replace(/-/g, '').toUpperCase()}`;
  const hook = `/commands/${channel}/1`;
  const command = fixture('slack-slash-command.form')
    .replaceAll('C0123', channel)
    .replace('command=%2Forder', 'command=%2Fdeliver')
    .replace(encodeURIComponent('https://hooks.slack.com/commands/T0001/1234567890/abcdefFAKE'), encodeURIComponent(`${slack.url}${hook}`));
  return { tenant, api, channel, hook, command };
}

describe('a flow opens a Slack modal', () => {
  it('opens it with the slash command’s trigger_id and takes its submission as message.form', async () => {
    const { tenant, api, channel, hook, command } = await modalWorkspace();
    const ack = await postSlack(tenant, command);
    expect(ack.status).toBe(200);
    // An empty 200: Slack would show any text as a message to the user.
    expect(await ack.text()).toBe('');

    const [opened] = await until((r) => r.path.endsWith('/views.open') && r.body.trigger_id === TRIGGER, 1);
    expect(opened!.headers.authorization).toBe('Bearer xoxb-modal');
    const view = opened!.body.view as Record<string, unknown>;
    expect(view).toEqual({
      type: 'modal',
      callback_id: 'delivery_details',
      title: { type: 'plain_text', text: 'Delivery' },
      submit: { type: 'plain_text', text: 'Order' },
      private_metadata: JSON.stringify({ channel, response_url: `${slack.url}${hook}`, response_type: 'ephemeral' }),
      blocks: [
        { type: 'input', block_id: 'address', label: { type: 'plain_text', text: 'Address for ada' }, optional: false, element: { type: 'plain_text_input', action_id: 'address', placeholder: { type: 'plain_text', text: 'Street and number' } } },
        {
          type: 'input',
          block_id: 'size',
          label: { type: 'plain_text', text: 'Size' },
          optional: false,
          element: { type: 'static_select', action_id: 'size', options: [{ text: { type: 'plain_text', text: 'Small' }, value: 'size_s' }, { text: { type: 'plain_text', text: 'Large' }, value: 'size_l' }] },
        },
        { type: 'input', block_id: 'notes', label: { type: 'plain_text', text: 'Notes' }, optional: true, element: { type: 'plain_text_input', action_id: 'notes', multiline: true } },
      ],
    });
    // The reply's text still goes to the conversation, after the modal (whose trigger lasts 3 seconds).
    const answers = await until((r) => r.path === hook, 2);
    expect(answers.map((a) => a.body.text)).toEqual(['Hello from modal-bot.', 'Where should we deliver?']);
    expect(slack.received.indexOf(opened!)).toBeLessThan(slack.received.indexOf(answers[1]!));

    // The user submits: Slack posts view_submission with the values under the field names.
    const submission = {
      type: 'view_submission',
      team: { id: 'T0001' },
      user: { id: 'U0456', name: 'ada' },
      api_app_id: 'A0001',
      view: {
        id: 'V0MODAL1',
        hash: '1.2',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            address: { address: { type: 'plain_text_input', value: 'Rua Augusta 1' } },
            size: { size: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Large' }, value: 'size_l' } } },
            notes: { notes: { type: 'plain_text_input', value: null } },
          },
        },
      },
    };
    const submitted = await postSlack(tenant, new URLSearchParams({ payload: JSON.stringify(submission) }).toString());
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toBe('');
    const [done] = await until((r) => r.path === hook && r.body.text === 'Delivering a large pizza to Rua Augusta 1.', 1);
    expect(done!.body).toMatchObject({ response_type: 'ephemeral' });

    // The same conversation as the slash command's, with the form on the inbound message.
    const messages = (await api.get<{ messages: { direction: string; form?: Record<string, string> }[] }>(`/v1/conversations/slack:T0001:${channel}:user:U0456/messages`)).body.messages;
    expect(messages.filter((m) => m.form)).toEqual([expect.objectContaining({ direction: 'inbound', form: { address: 'Rua Augusta 1', size: 'size_l' } })]);
  });

  it('sends the modal as text when its trigger has expired', async () => {
    const { tenant, hook, command } = await modalWorkspace();
    // The hello goes out first, then views.open is refused: the turn came too late for the trigger.
    slack.script({ body: 'ok' }, { body: { ok: false, error: 'expired_trigger_id' } });
    expect((await postSlack(tenant, command)).status).toBe(200);
    const answers = await until((r) => r.path === hook, 3);
    expect(answers.map((a) => a.body.text)).toEqual([
      'Hello from modal-bot.',
      'Delivery\n• Address for ada\n• Size: Small / Large\n• Notes (optional)',
      'Where should we deliver?',
    ]);
  });

  it('reaches web chat as text, a widget having no forms', async () => {
    const { tenant } = await modalWorkspace();
    const web = await client(server.url).post<{ replies: { text: string; modal?: unknown }[] }>('/v1/webchat/messages', { key: tenant.widgetKey, conversation: 'modal', id: 'm1', payload: '/deliver' });
    expect(web.status).toBe(200);
    expect(web.body.replies.map((r) => r.text)).toEqual(['Hello from modal-bot.', 'Where should we deliver?\n\nDelivery\n• Address for you\n• Size: Small / Large\n• Notes (optional)']);
    expect(web.body.replies.some((r) => r.modal)).toBe(false);
  });
});
