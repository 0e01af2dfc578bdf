import type { ReplyButton, ReplyCard, ReplyMedia } from './protocol.js';
import type { Entry } from './store.js';
import styles from './styles.css';

export interface ViewEvents {
  send(text: string): void;
  choose(button: ReplyButton): void;
  toggle(open: boolean): void;
}

const ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';

const TEMPLATE = `<style>${styles}</style>
<button class="launcher" part="launcher" type="button" aria-controls="panel" aria-expanded="false">${ICON}<span class="sr"></span></button>
<section class="panel" part="panel" id="panel" role="dialog" aria-modal="false" aria-labelledby="title" hidden>
<header part="header"><h2 id="title"></h2><span class="status" role="status"></span><button class="close" type="button" aria-label="Close chat">&times;</button></header>
<div class="log" part="log" role="log" aria-labelledby="title" tabindex="0"></div>
<div class="typing" aria-hidden="true" hidden><i></i><i></i><i></i></div>
<div class="quick choices" role="group" aria-label="Suggested replies" hidden></div>
<form part="form"><label class="sr" for="input">Message</label><input id="input" part="input" autocomplete="off" maxlength="4000" enterkeyhint="send"><button part="send" type="submit">Send</button></form>
</section>`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

/** The widget's DOM: a launcher button and a panel with the transcript, choices and the input. */
export function createView(root: ShadowRoot, options: { title: string; placeholder: string; inline: boolean }, events: ViewEvents) {
  root.innerHTML = TEMPLATE;
  const $ = <T extends Element>(selector: string) => root.querySelector(selector) as T;
  const launcher = $<HTMLButtonElement>('.launcher');
  const panel = $<HTMLElement>('.panel');
  const log = $<HTMLElement>('.log');
  const typing = $<HTMLElement>('.typing');
  const quick = $<HTMLElement>('.quick');
  const input = $<HTMLInputElement>('input');
  const status = $<HTMLElement>('.status');
  $<HTMLElement>('h2').textContent = options.title;
  $<HTMLElement>('.launcher .sr').textContent = options.title;
  input.placeholder = options.placeholder;
  launcher.hidden = options.inline;

  const buttonsFor = (buttons: ReplyButton[]) =>
    buttons.map((b) => {
      const button = el('button', '', b.title);
      button.type = 'button';
      button.onclick = () => events.choose(b);
      return button;
    });
  const choices = (buttons: ReplyButton[]) => {
    const group = el('div', 'choices');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Options');
    group.append(...buttonsFor(buttons));
    return group;
  };

  const link = (href: string, text: string) => {
    const a = el('a', '', text);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  };
  const image = (src: string, alt: string) => {
    const img = el('img', '');
    img.src = src;
    img.alt = alt;
    img.loading = 'lazy';
    return img;
  };
  /** An image shows inline; other media are links (the browser plays or downloads them). */
  const mediaNode = (media: ReplyMedia): HTMLElement => {
    const figure = el('figure', 'media');
    figure.append(media.type === 'image' ? image(media.url, media.caption ?? '') : link(media.url, media.filename ?? media.caption ?? media.url));
    if (media.caption && media.type === 'image') figure.append(el('figcaption', '', media.caption));
    return figure;
  };
  const cardNode = (card: ReplyCard): HTMLElement => {
    const node = el('article', 'card');
    if (card.imageUrl) node.append(image(card.imageUrl, card.title));
    const heading = el('h3', '', card.url ? '' : card.title);
    if (card.url) heading.append(link(card.url, card.title));
    node.append(heading);
    if (card.subtitle) node.append(el('p', '', card.subtitle));
    const actions = (card.buttons ?? []).map((b) => (b.url ? link(b.url, b.title) : buttonsFor([{ title: b.title, payload: b.payload ?? '' }])[0]!));
    if (actions.length) {
      const group = el('div', 'choices');
      group.append(...actions);
      node.append(group);
    }
    return node;
  };

  const nodes = (entry: Entry, pending: boolean): HTMLElement[] => {
    const out: HTMLElement[] = [];
    if (entry.media) out.push(mediaNode(entry.media));
    const message = el('div', `msg ${entry.from}${pending ? ' pending' : ''}`, entry.text);
    message.dataset.id = entry.id;
    if (entry.from === 'agent') message.dataset.who = 'Agent';
    if (entry.text.trim() !== '' || out.length === 0) out.push(message);
    if (entry.buttons?.length) out.push(choices(entry.buttons));
    if (entry.cards?.length) {
      const cards = el('div', 'cards');
      cards.setAttribute('role', 'list');
      cards.append(...entry.cards.map(cardNode));
      out.push(cards);
    }
    // Every node of the entry names it, so that its buttons can be switched on and off together.
    for (const node of out) node.dataset.for = entry.id;
    return out;
  };

  /** Only the replies after the user's last message offer choices; older ones are history. */
  const settleChoices = (latest: Entry[]) => {
    for (const button of log.querySelectorAll('button')) button.disabled = true;
    for (const id of latest.filter((e) => e.buttons?.length || e.cards?.length).map((e) => e.id)) {
      for (const button of log.querySelectorAll<HTMLButtonElement>(`[data-for="${CSS.escape(id)}"] button`)) button.disabled = false;
    }
    const quickReplies = latest.flatMap((e) => e.quickReplies ?? []);
    quick.replaceChildren(...buttonsFor(quickReplies));
    quick.hidden = quickReplies.length === 0;
  };

  const afterLastUser = (entries: readonly Entry[]) => {
    let last = entries.length - 1;
    while (last >= 0 && entries[last]?.from !== 'user') last--;
    return entries.slice(last + 1);
  };

  launcher.onclick = () => events.toggle(panel.hidden === true);
  $<HTMLButtonElement>('.close').onclick = () => events.toggle(false);
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !options.inline) events.toggle(false);
  });
  $<HTMLFormElement>('form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    events.send(text);
  });

  return {
    /** Draws the whole transcript (on start). */
    render(entries: readonly Entry[], isPending: (id: string) => boolean): void {
      log.replaceChildren(...entries.flatMap((e) => nodes(e, isPending(e.id))));
      settleChoices(afterLastUser(entries));
      log.scrollTop = log.scrollHeight;
    },
    /** Adds new lines; `all` is the transcript with them, to decide which choices stay usable. */
    append(added: Entry[], all: readonly Entry[], isPending: (id: string) => boolean): void {
      log.append(...added.flatMap((e) => nodes(e, isPending(e.id))));
      settleChoices(afterLastUser(all));
      log.scrollTop = log.scrollHeight;
    },
    markSent(id: string): void {
      log.querySelector(`[data-id="${CSS.escape(id)}"]`)?.classList.remove('pending');
    },
    setTyping(on: boolean): void {
      typing.hidden = !on;
      if (on) log.scrollTop = log.scrollHeight;
    },
    setStatus(text: string): void {
      status.textContent = text;
    },
    setOpen(open: boolean, moveFocus: boolean): void {
      panel.hidden = !open && !options.inline;
      launcher.setAttribute('aria-expanded', String(open));
      // A hidden log has no height, so lines drawn while closed (or restored after a reload) left it at the top.
      if (open) log.scrollTop = log.scrollHeight;
      if (!moveFocus) return;
      if (open) input.focus();
      else launcher.focus();
    },
    focusInput(): void {
      input.focus();
    },
    /** Turns the chat off, saying why in the log (where screen readers hear it); not kept in the transcript. */
    disable(reason: string): void {
      input.disabled = true;
      input.placeholder = 'Chat unavailable';
      log.append(el('div', 'msg notice', reason));
      log.scrollTop = log.scrollHeight;
    },
  };
}

export type View = ReturnType<typeof createView>;
