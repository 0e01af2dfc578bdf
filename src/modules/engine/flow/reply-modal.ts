/**
 * A form the bot asks the user to fill in (`modal:` next to `say`). Slack opens it as a modal with
 * the trigger of the interaction being answered; the submission reaches the flow as
 * `message.form`, keyed by the field names chosen here. Other channels show it as text.
 */
import { z } from 'zod';

const text = z.string().min(1);

const optionSchema = z.strictObject({ title: text, value: z.string().min(1).max(150) });

const fieldSchema = z
  .strictObject({
    /** The key of the field's value in `message.form`. */
    name: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'a field name such as delivery_address (lowercase letters, digits and _)'),
    label: text,
    type: z.enum(['text', 'select']).default('text'),
    placeholder: z.string().optional(),
    multiline: z.boolean().optional(),
    optional: z.boolean().optional(),
    options: z.array(optionSchema).min(1).max(100, 'a select has at most 100 options').optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === 'select' && !field.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select field lists its options' });
    if (field.type === 'text' && field.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'options belong to a select field (type: select)' });
  });

export const modalSpecSchema = z
  .strictObject({
    title: text,
    submit: text.default('Submit'),
    /** Comes back as `message.payload` with the submission, to tell several modals apart. */
    callback: z.string().regex(/^[A-Za-z0-9_.:-]{1,255}$/, 'a callback such as delivery_details').optional(),
    fields: z.array(fieldSchema).min(1).max(20, 'a modal has at most 20 fields'),
  })
  .superRefine((modal, ctx) => {
    const seen = new Set<string>();
    modal.fields.forEach((field, i) => {
      if (seen.has(field.name)) ctx.addIssue({ code: 'custom', path: ['fields', i, 'name'], message: `field '${field.name}' is named twice; each name is a key of message.form` });
      seen.add(field.name);
    });
  });
export type ModalSpec = z.output<typeof modalSpecSchema>;

/** A form as a reply carries it (and the API returns it). */
const replyModalFieldSchema = z
  .object({
    name: z.string(),
    label: z.string(),
    type: z.enum(['text', 'select']),
    placeholder: z.string().optional(),
    multiline: z.boolean().optional(),
    optional: z.boolean().optional(),
    options: z.array(z.object({ title: z.string(), value: z.string() })).optional(),
  })
  .meta({ id: 'ReplyModalField' });
export type ReplyModalField = z.infer<typeof replyModalFieldSchema>;

export const replyModalSchema = z
  .object({ title: z.string(), submit: z.string(), callback: z.string().optional(), fields: z.array(replyModalFieldSchema) })
  .meta({ id: 'ReplyModal' });
export type ReplyModal = z.infer<typeof replyModalSchema>;

/** The modal's templates (title, submit, labels, placeholders, option titles) with their paths. */
export function modalTemplates(modal: ModalSpec, at: string): { path: string; source: string }[] {
  const out = [{ path: `${at}.title`, source: modal.title }, { path: `${at}.submit`, source: modal.submit }];
  modal.fields.forEach((field, i) => {
    out.push({ path: `${at}.fields[${i}].label`, source: field.label });
    if (field.placeholder !== undefined) out.push({ path: `${at}.fields[${i}].placeholder`, source: field.placeholder });
    field.options?.forEach((option, j) => out.push({ path: `${at}.fields[${i}].options[${j}].title`, source: option.title }));
  });
  return out;
}

export function renderModal(modal: ModalSpec, render: (source: string) => string): ReplyModal {
  const fields = modal.fields.map((field): ReplyModalField => {
    const placeholder = field.placeholder === undefined ? '' : render(field.placeholder);
    return {
      name: field.name,
      label: render(field.label),
      type: field.type,
      ...(placeholder ? { placeholder } : {}),
      ...(field.multiline ? { multiline: true } : {}),
      ...(field.optional ? { optional: true } : {}),
      ...(field.options ? { options: field.options.map((o) => ({ title: render(o.title), value: o.value })) } : {}),
    };
  });
  return { title: render(modal.title), submit: render(modal.submit), ...(modal.callback ? { callback: modal.callback } : {}), fields };
}
