import type { ReplyModal, ReplyModalField } from '../../../engine/contract.js';
import type { Address } from '../define-channel.js';

/** Slack's view limits: title and submit 24 characters, a label 2,000, a placeholder 150, an option's text 75 (value 150). */
const LIMITS = { title: 24, label: 2000, placeholder: 150, optionText: 75 };

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const plain = (text: string, max: number) => ({ type: 'plain_text', text: truncate(text, max) });

/** The block's and the element's ids are the field's name: the submission's values come back keyed by it (see inbound.ts formOf). */
function inputBlock(field: ReplyModalField) {
  const placeholder = field.placeholder ? { placeholder: plain(field.placeholder, LIMITS.placeholder) } : {};
  const element =
    field.type === 'select'
      ? { type: 'static_select', action_id: field.name, ...placeholder, options: (field.options ?? []).map((o) => ({ text: plain(o.title, LIMITS.optionText), value: o.value })) }
      : { type: 'plain_text_input', action_id: field.name, ...placeholder, ...(field.multiline ? { multiline: true } : {}) };
  return { type: 'input', block_id: field.name, label: plain(field.label, LIMITS.label), optional: field.optional === true, element };
}

/**
 * Pure: a flow's modal → a `views.open` view. A modal belongs to no conversation, so
 * private_metadata names the one it was opened from (a thread, or a slash command's private
 * exchange with its response_url); the submission continues that conversation.
 */
export function modalView(modal: ReplyModal, address: Address): Record<string, unknown> {
  const metadata = {
    channel: address.channel ?? '',
    ...(address.threadTs ? { thread_ts: address.threadTs } : {}),
    ...(address.responseUrl ? { response_url: address.responseUrl, response_type: address.responseType ?? 'ephemeral' } : {}),
  };
  return {
    type: 'modal',
    ...(modal.callback ? { callback_id: modal.callback } : {}),
    title: plain(modal.title, LIMITS.title),
    submit: plain(modal.submit, LIMITS.title),
    private_metadata: JSON.stringify(metadata),
    blocks: modal.fields.map(inputBlock),
  };
}
