import type { OutgoingMessage, Reply, ReplyButton, ReplyCard, ReplyMedia } from './protocol.js';

/** One line of the transcript as the widget draws it. */
export interface Entry {
  id: string;
  from: 'user' | 'bot' | 'agent' | 'notice';
  text: string;
  buttons?: ReplyButton[];
  quickReplies?: ReplyButton[];
  media?: ReplyMedia;
  cards?: ReplyCard[];
}

/** Everything that must survive a reload: the conversation, the messages not yet answered, the transcript. */
export interface ChatState {
  v: 1;
  conversation: string;
  outbox: OutgoingMessage[];
  transcript: Entry[];
  /** A person has the conversation: their messages are fetched from the history. */
  handoff: boolean;
  open: boolean;
}

/** The part of `Storage` the widget uses (localStorage in the page, a map in tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const MAX_ENTRIES = 200;

const fresh = (conversation: string): ChatState => ({ v: 1, conversation, outbox: [], transcript: [], handoff: false, open: false });

function read(storage: KeyValueStorage, key: string): ChatState | null {
  try {
    const value: unknown = JSON.parse(storage.getItem(key) ?? 'null');
    const state = value as Partial<ChatState> | null;
    if (state?.v !== 1 || typeof state.conversation !== 'string' || !Array.isArray(state.outbox) || !Array.isArray(state.transcript)) return null;
    return { ...fresh(state.conversation), ...state };
  } catch {
    return null; // storage disabled (private mode, sandboxed frame) or a value from elsewhere
  }
}

/**
 * The widget's state for one widget key, written to storage after every change. Storage that
 * refuses writes (quota, disabled) leaves the widget working for the life of the page.
 */
export function createChatStore(storage: KeyValueStorage, widgetKey: string, newId: () => string) {
  const key = `mcp-chat:${widgetKey}`;
  let state = read(storage, key) ?? fresh(newId());

  const save = () => {
    state.transcript = state.transcript.slice(-MAX_ENTRIES);
    try {
      storage.setItem(key, JSON.stringify(state));
    } catch {
      // keep going in memory
    }
  };
  const push = (...entries: Entry[]) => {
    state.transcript.push(...entries);
    save();
  };
  const removeFromOutbox = (id: string): boolean => {
    const before = state.outbox.length;
    state.outbox = state.outbox.filter((m) => m.id !== id);
    return state.outbox.length !== before;
  };

  return {
    get state(): Readonly<ChatState> {
      return state;
    },
    isPending: (id: string) => state.outbox.some((m) => m.id === id),

    /** Queues a message (shown at once with the user's words) until its reply arrives. */
    send(input: { text: string; payload?: string }): OutgoingMessage {
      const message: OutgoingMessage = input.payload !== undefined ? { id: newId(), payload: input.payload } : { id: newId(), text: input.text };
      state.outbox.push(message);
      push({ id: message.id, from: 'user', text: input.text });
      return message;
    },

    /** The answer to a queued message; null when it was answered already (a resend's second copy). */
    answer(id: string, replies: Reply[], handoff: boolean): Entry[] | null {
      if (!removeFromOutbox(id)) return null;
      state.handoff = handoff;
      const entries = replies.map(
        (r, i): Entry => ({
          id: `${id}:${i}`,
          from: 'bot',
          text: r.text,
          ...(r.buttons ? { buttons: r.buttons } : {}),
          ...(r.quickReplies ? { quickReplies: r.quickReplies } : {}),
          ...(r.media ? { media: r.media } : {}),
          ...(r.cards ? { cards: r.cards } : {}),
        }),
      );
      push(...entries);
      return entries;
    },

    /** A message the server refused for good: it leaves the outbox, and the reason is shown. */
    fail(id: string, message: string): Entry | null {
      if (!removeFromOutbox(id)) return null;
      const entry: Entry = { id: `${id}:error`, from: 'notice', text: message };
      push(entry);
      return entry;
    },

    /** Messages a person wrote after a handoff, as found in the history; returns the new ones. */
    addAgentMessages(messages: { id: string; text: string }[]): Entry[] {
      const known = new Set(state.transcript.map((e) => e.id));
      const entries = messages.map((m): Entry => ({ id: `agent:${m.id}`, from: 'agent', text: m.text })).filter((e) => !known.has(e.id));
      if (entries.length) push(...entries);
      return entries;
    },

    setOpen(open: boolean): void {
      state.open = open;
      save();
    },

    /** Forgets the conversation and starts a new one. */
    reset(): void {
      state = fresh(newId());
      save();
    },
  };
}

export type ChatStore = ReturnType<typeof createChatStore>;
