import { describe, expect, it } from 'vitest';
import { validateFlow } from './flow-validator.js';
import { parseFlowSource } from './parse-flow-source.js';
import { loadFlow, message, runTurn } from './step-test-kit.js';

const pizza = {
  name: 'pizza',
  start: 'menu',
  states: {
    menu: {
      type: 'intent',
      say: 'Hi {{ user.name }}, our pizzas:',
      media: { type: 'image', url: 'https://cdn.example.com/{{ vars.banner | default: "menu" }}.png', caption: 'Today at {{ user.shop }}' },
      cards: [
        { title: 'Margherita', subtitle: '{{ 9 | plus: 1 }} €', image: 'https://cdn.example.com/m.png', buttons: [{ title: 'Order', payload: 'order_m' }, { title: 'Recipe', url: 'https://example.com/m' }] },
      ],
      list: { button: 'Sizes', sections: [{ title: 'Size', rows: [{ title: 'Small {{ user.name }}', payload: 'size_s' }] }] },
      transitions: [
        { when: 'message.attachments.size() > 0 && message.attachments[0].type == "image"', to: 'photo' },
        { when: 'message.location != null && message.location.latitude > 0', to: 'nearby' },
        { when: 'message.form != null && message.form.size == "size_l"', to: 'large' },
      ],
    },
    photo: { type: 'end', say: 'Nice photo: {{ message.attachments[0].caption }}' },
    nearby: { type: 'end', say: 'You are at {{ message.location.name }}' },
    large: { type: 'end', say: 'Large it is', template: { name: 'order_update', language: 'en_US', params: ['{{ message.form.size }}'] } },
  },
};

describe('rich replies', () => {
  const flow = loadFlow(pizza);
  const user = { name: 'Ana', shop: 'Lisbon' };

  it('renders media, cards and lists with their templates', () => {
    const { replies } = runTurn(flow, null, message('hi', null, { user }));
    expect(replies).toEqual([
      {
        type: 'text',
        text: 'Hi Ana, our pizzas:',
        media: { type: 'image', url: 'https://cdn.example.com/menu.png', caption: 'Today at Lisbon' },
        cards: [{ title: 'Margherita', subtitle: '10 €', imageUrl: 'https://cdn.example.com/m.png', buttons: [{ title: 'Order', payload: 'order_m' }, { title: 'Recipe', url: 'https://example.com/m' }] }],
        list: { button: 'Sizes', sections: [{ title: 'Size', rows: [{ title: 'Small Ana', payload: 'size_s' }] }] },
      },
    ]);
  });

  it('lets conditions and templates read attachments, a location and a form', () => {
    const start = runTurn(flow, null, message('hi', null, { user })).result.context;
    const photo = runTurn(flow, start, { type: 'message', channel: 'whatsapp', nlu: null, now: '2025-01-01T12:00:00.000Z', attachments: [{ type: 'image', id: '1', caption: 'my pizza' }] });
    expect(photo.texts).toEqual(['Nice photo: my pizza']);
    const place = runTurn(flow, start, { type: 'message', channel: 'whatsapp', nlu: null, now: '2025-01-01T12:00:00.000Z', location: { latitude: 38.7, longitude: -9.1, name: 'Rua Augusta' } });
    expect(place.texts).toEqual(['You are at Rua Augusta']);
    const form = runTurn(flow, start, { type: 'message', channel: 'slack', nlu: null, now: '2025-01-01T12:00:00.000Z', form: { size: 'size_l' } });
    expect(form.replies).toEqual([{ type: 'text', text: 'Large it is', template: { name: 'order_update', language: 'en_US', params: ['size_l'] } }]);
  });

  it('leaves out a URL that does not render to http(s) and says why in the trace', () => {
    const broken = loadFlow({ name: 'b', start: 'a', states: { a: { type: 'end', say: 'x', media: { type: 'image', url: '{{ vars.nothing }}' } } } });
    const { replies, trace } = runTurn(broken, null, message('hi'));
    expect(replies).toEqual([{ type: 'text', text: 'x' }]);
    const bad = loadFlow({ name: 'b', start: 'a', states: { a: { type: 'end', say: 'x', media: { type: 'image', url: 'javascript:alert(1)' } } } });
    const outcome = runTurn(bad, null, message('hi'));
    expect(outcome.replies).toEqual([{ type: 'text', text: 'x' }]);
    expect(outcome.trace).toContainEqual(expect.objectContaining({ type: 'template_error', message: expect.stringContaining('not an http(s) URL') }));
    expect(trace.some((t) => t.type === 'template_error')).toBe(false);
  });

  it('refuses bad rich content with the path and a readable message', () => {
    const check = (state: object) => {
      const parsed = parseFlowSource({ name: 'x', start: 'a', states: { a: { type: 'end', ...state } } });
      if (!parsed.ok) return parsed.issues;
      const validated = validateFlow(parsed.value);
      return validated.ok ? [] : validated.issues;
    };
    const rows = Array.from({ length: 11 }, (_, i) => ({ title: `r${i}`, payload: `p${i}` }));
    expect(check({ list: { sections: [{ rows }] } })).toContainEqual(expect.objectContaining({ path: 'states.a.list', message: expect.stringContaining('at most 10 rows') }));
    expect(check({ media: { type: 'gif', url: 'https://x' } })).toContainEqual(expect.objectContaining({ path: 'states.a.media.type' }));
    expect(check({ template: { name: 'Order Update', language: 'en' } })).toContainEqual(expect.objectContaining({ path: 'states.a.template.name', message: expect.stringContaining('lowercase') }));
    expect(check({ cards: [{ title: '{{ oops' }] })).toContainEqual(expect.objectContaining({ path: 'states.a.cards[0].title' }));
    expect(check({ cards: [{ title: 'A', buttons: [{ title: 'b' }] }] }).length).toBeGreaterThan(0);
  });
});

describe('modal replies', () => {
  const modal = {
    title: 'Delivery for {{ user.name }}',
    submit: 'Order',
    callback: 'delivery_details',
    fields: [
      { name: 'address', label: 'Address', placeholder: 'Street, {{ user.shop }}' },
      { name: 'size', label: 'Size', type: 'select', options: [{ title: 'Large {{ user.name }}', value: 'size_l' }] },
      { name: 'notes', label: 'Notes', multiline: true, optional: true },
    ],
  };

  it('renders its templates; a field without type is text', () => {
    const flow = loadFlow({ name: 'm', start: 'a', states: { a: { type: 'end', say: 'Where to?', modal } } });
    const { replies } = runTurn(flow, null, message('hi', null, { user: { name: 'Ana', shop: 'Lisbon' } }));
    expect(replies).toEqual([
      {
        type: 'text',
        text: 'Where to?',
        modal: {
          title: 'Delivery for Ana',
          submit: 'Order',
          callback: 'delivery_details',
          fields: [
            { name: 'address', label: 'Address', type: 'text', placeholder: 'Street, Lisbon' },
            { name: 'size', label: 'Size', type: 'select', options: [{ title: 'Large Ana', value: 'size_l' }] },
            { name: 'notes', label: 'Notes', type: 'text', multiline: true, optional: true },
          ],
        },
      },
    ]);
  });

  it('refuses a select without options, options on a text field, a bad or repeated name, a broken template', () => {
    const check = (fields: object[], extra: object = {}) => {
      const parsed = parseFlowSource({ name: 'x', start: 'a', states: { a: { type: 'end', modal: { title: 'T', fields, ...extra } } } });
      if (!parsed.ok) return parsed.issues;
      const validated = validateFlow(parsed.value);
      return validated.ok ? [] : validated.issues;
    };
    expect(check([{ name: 'size', label: 'Size', type: 'select' }])).toContainEqual(expect.objectContaining({ path: 'states.a.modal.fields[0].options', message: 'a select field lists its options' }));
    expect(check([{ name: 'a', label: 'A', options: [{ title: 'x', value: 'x' }] }])).toContainEqual(expect.objectContaining({ path: 'states.a.modal.fields[0].options' }));
    expect(check([{ name: 'Delivery Address', label: 'A' }])).toContainEqual(expect.objectContaining({ path: 'states.a.modal.fields[0].name', message: expect.stringContaining('lowercase') }));
    expect(check([{ name: 'a', label: 'A' }, { name: 'a', label: 'B' }])).toContainEqual(expect.objectContaining({ path: 'states.a.modal.fields[1].name', message: expect.stringContaining('named twice') }));
    expect(check([{ name: 'a', label: '{{ oops' }])).toContainEqual(expect.objectContaining({ path: 'states.a.modal.fields[0].label' }));
    expect(check([])).toContainEqual(expect.objectContaining({ path: 'states.a.modal.fields' }));
  });
});
