/**
 * Rich reply content authored in a flow (`media`, `cards`, `list`, `template`, `modal` next to `say`):
 * the schema, the templates it holds (compiled and validated like `say`), and its rendering into
 * the reply a channel receives. Channels render what they support and degrade the rest to text.
 */
import { z } from 'zod';
import { modalSpecSchema, modalTemplates, renderModal, replyModalSchema } from './reply-modal.js';

const text = z.string().min(1);
const payloadButton = z.strictObject({ title: text, payload: text });
const linkButton = z.strictObject({ title: text, url: text });

export const mediaSpecSchema = z.strictObject({
  type: z.enum(['image', 'video', 'audio', 'file']),
  /** An http(s) URL the platform can fetch (a template). */
  url: text,
  caption: z.string().optional(),
  filename: z.string().optional(),
});

export const cardSpecSchema = z.strictObject({
  title: text,
  subtitle: z.string().optional(),
  image: text.optional(),
  /** Where tapping the card leads. */
  url: text.optional(),
  buttons: z.array(z.union([payloadButton, linkButton])).min(1).max(3, 'a card has at most 3 buttons').optional(),
});

const rowSchema = z.strictObject({ title: text, payload: text, description: z.string().optional() });

export const listSpecSchema = z
  .strictObject({
    /** The label of the button that opens the list (WhatsApp, at most 20 characters). */
    button: z.string().min(1).max(20).default('Choose'),
    sections: z.array(z.strictObject({ title: z.string().optional(), rows: z.array(rowSchema).min(1) })).min(1).max(10),
  })
  .refine((l) => l.sections.reduce((n, s) => n + s.rows.length, 0) <= 10, 'a list has at most 10 rows in all (WhatsApp’s limit)');

/** A pre-approved WhatsApp message template; other channels send the state's `say` text instead. */
export const templateSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'a template name has lowercase letters, digits and underscores'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a language code such as en or en_US'),
  /** The body's {{1}}, {{2}} … parameters, in order (templates). */
  params: z.array(z.string()).max(20).optional(),
});

/** The fields a state that speaks may carry besides `say`, `buttons` and `quick_replies`. */
export const richContentFields = {
  media: mediaSpecSchema.optional(),
  cards: z.array(cardSpecSchema).min(1).max(10, 'a carousel has at most 10 cards').optional(),
  list: listSpecSchema.optional(),
  template: templateSpecSchema.optional(),
  modal: modalSpecSchema.optional(),
};

export type RichContentSpec = { [K in keyof typeof richContentFields]?: z.output<(typeof richContentFields)[K]> };

/*
 * What a reply carries, as rendered for channels and returned by the API. These schemas are the
 * one definition of a reply: the types below, the OpenAPI document and the browser code's types
 * all come from them.
 */
export const replyMediaSchema = z
  .object({ type: z.enum(['image', 'video', 'audio', 'file']), url: z.string(), caption: z.string().optional(), filename: z.string().optional() })
  .meta({ id: 'ReplyMedia' });
export const replyCardButtonSchema = z.object({ title: z.string(), payload: z.string().optional(), url: z.string().optional() }).meta({ id: 'ReplyCardButton' });
export const replyCardSchema = z
  .object({
    title: z.string(),
    subtitle: z.string().optional(),
    imageUrl: z.string().optional(),
    url: z.string().optional(),
    buttons: z.array(replyCardButtonSchema).optional(),
  })
  .meta({ id: 'ReplyCard' });
export const replyListSchema = z
  .object({
    button: z.string(),
    sections: z.array(z.object({ title: z.string().optional(), rows: z.array(z.object({ title: z.string(), payload: z.string(), description: z.string().optional() })) })),
  })
  .meta({ id: 'ReplyList' });
export const replyTemplateSchema = z.object({ name: z.string(), language: z.string(), params: z.array(z.string()) }).meta({ id: 'ReplyTemplate' });
export const replyButtonSchema = z.object({ title: z.string(), payload: z.string() }).meta({ id: 'ReplyButton' });

/** What a reply may carry besides text and buttons. */
const richContentShape = {
  media: replyMediaSchema.optional(),
  cards: z.array(replyCardSchema).optional(),
  list: replyListSchema.optional(),
  template: replyTemplateSchema.optional(),
  /** A form to fill in: a modal on Slack, text elsewhere. */
  modal: replyModalSchema.optional(),
};

/** A bot message: text, buttons and the rich content a flow may add (channels degrade what they cannot show). */
export const replySchema = z
  .object({
    type: z.literal('text'),
    text: z.string(),
    buttons: z.array(replyButtonSchema).optional(),
    quickReplies: z.array(replyButtonSchema).optional(),
    ...richContentShape,
  })
  .meta({ id: 'Reply' });

export type ReplyMedia = z.infer<typeof replyMediaSchema>;
export type ReplyCardButton = z.infer<typeof replyCardButtonSchema>;
export type ReplyCard = z.infer<typeof replyCardSchema>;
export type ReplyList = z.infer<typeof replyListSchema>;
export type ReplyTemplate = z.infer<typeof replyTemplateSchema>;
export type ReplyButton = z.infer<typeof replyButtonSchema>;
export type RichContent = { [K in keyof typeof richContentShape]?: z.infer<(typeof richContentShape)[K]> };
export type Reply = z.infer<typeof replySchema>;

/** The rich fields of a state (or anything with them), without the rest. */
export function richSpecOf(source: RichContentSpec): RichContentSpec | undefined {
  const { media, cards, list, template, modal } = source;
  return media || cards || list || template || modal ? { media, cards, list, template, modal } : undefined;
}

/** Every template inside rich content, with its path, for compilation and validation. */
export function richTemplates(spec: RichContentSpec, at: string): { path: string; source: string; mode: 'text' }[] {
  const out: { path: string; source: string; mode: 'text' }[] = [];
  const add = (path: string, source: string | undefined) => {
    if (source !== undefined) out.push({ path: `${at}.${path}`, source, mode: 'text' });
  };
  if (spec.media) ['url', 'caption', 'filename'].forEach((k) => add(`media.${k}`, spec.media?.[k as 'url']));
  spec.cards?.forEach((card, i) => {
    (['title', 'subtitle', 'image', 'url'] as const).forEach((k) => add(`cards[${i}].${k}`, card[k]));
    card.buttons?.forEach((b, j) => {
      add(`cards[${i}].buttons[${j}].title`, b.title);
      if ('url' in b) add(`cards[${i}].buttons[${j}].url`, b.url);
    });
  });
  spec.list?.sections.forEach((s, i) => {
    add(`list.sections[${i}].title`, s.title);
    s.rows.forEach((r, j) => {
      add(`list.sections[${i}].rows[${j}].title`, r.title);
      add(`list.sections[${i}].rows[${j}].description`, r.description);
    });
  });
  spec.template?.params?.forEach((p, i) => add(`template.params[${i}]`, p));
  if (spec.modal) modalTemplates(spec.modal, 'modal').forEach((t) => add(t.path, t.source));
  return out;
}

const isWebUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

/**
 * Renders the spec's templates. A URL that does not render to an http(s) URL drops its part (the
 * platform would refuse the whole message) and is reported through `problem`.
 */
export function renderRichContent(spec: RichContentSpec, render: (source: string) => string, problem: (message: string) => void): RichContent {
  const out: RichContent = {};
  const opt = (source: string | undefined): string | undefined => {
    const value = source === undefined ? undefined : render(source);
    return value ? value : undefined;
  };
  const url = (source: string | undefined, what: string): string | undefined => {
    const value = opt(source);
    if (value === undefined || isWebUrl(value)) return value;
    problem(`${what} rendered to '${value.slice(0, 100)}', which is not an http(s) URL; left out`);
    return undefined;
  };
  if (spec.media) {
    const mediaUrl = url(spec.media.url, 'media.url');
    const caption = opt(spec.media.caption);
    const filename = opt(spec.media.filename);
    if (mediaUrl) out.media = { type: spec.media.type, url: mediaUrl, ...(caption ? { caption } : {}), ...(filename ? { filename } : {}) };
  }
  if (spec.cards) {
    out.cards = spec.cards.map((card, i) => {
      const subtitle = opt(card.subtitle);
      const imageUrl = url(card.image, `cards[${i}].image`);
      const link = url(card.url, `cards[${i}].url`);
      const buttons = card.buttons?.flatMap((b, j): ReplyCardButton[] => {
        if ('payload' in b) return [{ title: render(b.title), payload: b.payload }];
        const target = url(b.url, `cards[${i}].buttons[${j}].url`);
        return target ? [{ title: render(b.title), url: target }] : [];
      });
      return { title: render(card.title), ...(subtitle ? { subtitle } : {}), ...(imageUrl ? { imageUrl } : {}), ...(link ? { url: link } : {}), ...(buttons?.length ? { buttons } : {}) };
    });
  }
  if (spec.list) {
    out.list = {
      button: spec.list.button ?? 'Choose',
      sections: spec.list.sections.map((s) => {
        const title = opt(s.title);
        return {
          ...(title ? { title } : {}),
          rows: s.rows.map((r) => {
            const description = opt(r.description);
            return { title: render(r.title), payload: r.payload, ...(description ? { description } : {}) };
          }),
        };
      }),
    };
  }
  if (spec.template) out.template = { name: spec.template.name, language: spec.template.language, params: (spec.template.params ?? []).map(render) };
  if (spec.modal) out.modal = renderModal(spec.modal, render);
  return out;
}

export const hasRichContent = (content: RichContent): boolean => Boolean(content.media || content.cards?.length || content.list || content.template || content.modal);
