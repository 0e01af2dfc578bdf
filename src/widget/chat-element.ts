import { reconnectDelay } from './backoff.js';
import { type Connection, createConnection } from './connection.js';
import { fetchAgentMessages } from './history.js';
import type { ErrorBody, OutgoingMessage, ServerFrame } from './protocol.js';
import { createChatStore, type ChatStore, type KeyValueStorage } from './store.js';
import { createView, type View } from './view.js';

/** Errors after which the same message may succeed later; anything else is final for that message. */
const RETRYABLE = new Set(['conversation_busy', 'rate_limited', 'unavailable', 'internal']);
const MAX_RETRIES = 5;
const HISTORY_POLL_MS = 5000;

const newId = (): string =>
  typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

function pageStorage(): KeyValueStorage {
  try {
    localStorage.getItem('');
    return localStorage;
  } catch {
    const memory = new Map<string, string>(); // storage blocked (sandboxed frame, privacy settings)
    return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v), removeItem: (k) => void memory.delete(k) };
  }
}

/**
 * `<mcp-chat widget-key="wk_…" server="https://chat.example.com">`: the web chat as one custom
 * element. Messages wait in a persisted outbox until answered and are resent after a reconnect
 * or a reload; the server answers a resent id from memory, so nothing runs twice.
 */
export class ChatElement extends HTMLElement {
  /** Where the script was loaded from: the default server, so that one script tag is enough. */
  static defaultServer = location.origin;

  private store?: ChatStore;
  private view?: View;
  private connection?: Connection;
  private server = '';
  private retries = new Map<string, number>();
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private poll: ReturnType<typeof setInterval> | undefined;

  connectedCallback(): void {
    const key = this.getAttribute('widget-key') ?? '';
    this.server = new URL(this.getAttribute('server') ?? ChatElement.defaultServer, location.href).origin;
    const inline = this.getAttribute('mode') === 'inline';
    const store = (this.store = createChatStore(pageStorage(), key, newId));
    const view = (this.view = createView(
      this.shadowRoot ?? this.attachShadow({ mode: 'open' }),
      { title: this.getAttribute('chat-title') ?? 'Chat', placeholder: this.getAttribute('placeholder') ?? 'Type a message…', inline },
      {
        send: (text) => this.send({ text }),
        choose: (button) => {
          this.send({ text: button.title, payload: button.payload });
          view.focusInput();
        },
        toggle: (open) => this.setOpen(open, true),
      },
    ));
    view.render(store.state.transcript, store.isPending);
    this.setOpen(inline || store.state.open, false);
    if (!key) return this.refuse({ code: 'unauthorized', message: 'This chat has no widget-key attribute.' });
    if (inline || store.state.open || store.state.outbox.length) this.ensureConnected();
  }

  disconnectedCallback(): void {
    this.connection?.stop();
    this.connection = undefined;
    this.timers.forEach(clearTimeout);
    clearInterval(this.poll);
  }

  private setOpen(open: boolean, moveFocus: boolean): void {
    this.store?.setOpen(open);
    this.view?.setOpen(open, moveFocus);
    if (open && this.getAttribute('widget-key')) this.ensureConnected();
  }

  private ensureConnected(): void {
    if (this.connection || !this.store) return;
    const url = new URL('/v1/webchat', this.server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('key', this.getAttribute('widget-key') ?? '');
    url.searchParams.set('conversation', this.store.state.conversation);
    this.view?.setStatus('Connecting…');
    this.connection = createConnection(url.toString(), {
      open: () => this.onOpen(),
      frame: (frame) => this.onFrame(frame),
      down: (refused) => (refused ? this.refuse(refused) : this.onDown()),
    });
    this.connection.start();
  }

  private send(input: { text: string; payload?: string }): void {
    if (!this.store || !this.view) return;
    const message = this.store.send(input);
    this.view.append(this.store.state.transcript.slice(-1), this.store.state.transcript, this.store.isPending);
    this.ensureConnected();
    this.transmit(message);
  }

  private transmit(message: OutgoingMessage): void {
    if (this.connection?.send(message)) this.view?.setTyping(true);
  }

  private onOpen(): void {
    this.view?.setStatus(this.connectedStatus());
    // Everything not answered yet goes again, in order; answered ids come back from the server's memory.
    for (const message of this.store?.state.outbox ?? []) this.transmit(message);
    this.syncHandoff();
  }

  private onDown(): void {
    this.view?.setStatus('Reconnecting…');
    this.view?.setTyping(false);
  }

  private refuse(error: ErrorBody): void {
    this.view?.setStatus('Unavailable');
    this.view?.setTyping(false);
    this.view?.disable(error.message);
  }

  private onFrame(frame: ServerFrame): void {
    const { store, view } = this;
    if (!store || !view) return;
    switch (frame.type) {
      case 'ack':
        view.markSent(frame.id);
        return;
      case 'reply': {
        const added = store.answer(frame.id, frame.replies, frame.handoff);
        if (added) view.append(added, store.state.transcript, store.isPending);
        view.markSent(frame.id);
        break;
      }
      case 'error':
        if (frame.id === undefined) return; // the connection's own error; its close follows
        this.onMessageError(frame.id, frame.error);
        break;
    }
    view.setTyping(store.state.outbox.length > 0);
    this.syncHandoff();
  }

  private onMessageError(id: string, error: ErrorBody): void {
    const { store, view } = this;
    if (!store || !view) return;
    const retries = this.retries.get(id) ?? 0;
    const message = store.state.outbox.find((m) => m.id === id);
    if (message && RETRYABLE.has(error.code) && retries < MAX_RETRIES) {
      this.retries.set(id, retries + 1);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.transmit(message);
      }, reconnectDelay(retries, Math.random()));
      this.timers.add(timer);
      return;
    }
    const notice = store.fail(id, error.message);
    if (notice) view.append([notice], store.state.transcript, store.isPending);
  }

  /**
   * What the header says while connected: the bot is online, or, after a handoff, the conversation
   * waits for a person until the newest answer is a person's.
   */
  private connectedStatus(): string {
    const state = this.store?.state;
    if (!state?.handoff) return 'Online';
    const answers = state.transcript.filter((entry) => entry.from === 'bot' || entry.from === 'agent');
    return answers[answers.length - 1]?.from === 'agent' ? 'A person is answering' : 'Waiting for a person…';
  }

  /** After a handoff, a person's replies are read from the history (the socket only carries answers to our messages). */
  private syncHandoff(): void {
    this.view?.setStatus(this.connectedStatus());
    const handoff = this.store?.state.handoff === true;
    if (handoff && this.poll === undefined) {
      this.poll = setInterval(() => void this.fetchAgentReplies(), HISTORY_POLL_MS);
      void this.fetchAgentReplies();
    } else if (!handoff && this.poll !== undefined) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }

  private async fetchAgentReplies(): Promise<void> {
    const { store, view } = this;
    if (!store || !view || document.visibilityState === 'hidden') return;
    const messages = await fetchAgentMessages(this.server, this.getAttribute('widget-key') ?? '', store.state.conversation);
    const added = store.addAgentMessages(messages);
    if (added.length) {
      view.append(added, store.state.transcript, store.isPending);
      view.setStatus(this.connectedStatus());
    }
  }
}
