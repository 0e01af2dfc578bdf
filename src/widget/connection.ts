import { reconnectDelay } from './backoff.js';
import { type ErrorBody, type OutgoingMessage, parseFrame, type ServerFrame } from './protocol.js';

export interface ConnectionEvents {
  open(): void;
  frame(frame: ServerFrame): void;
  /** The socket closed; `refused` when the server will not take this page (bad key, origin not allowed). */
  down(refused: ErrorBody | null): void;
}

/** Close codes the gateway uses when it refuses the widget key (4401) or the page's origin (4403). */
const REFUSED = new Set([4401, 4403]);

/**
 * The web chat socket, reopened after every drop with exponential backoff and jitter (sooner when
 * the browser reports it is back online). A refusal is final: retrying cannot fix a wrong key.
 */
export function createConnection(url: string, events: ConnectionEvents) {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let refused = false;

  function open(): void {
    clearTimeout(timer);
    if (stopped || refused || socket) return;
    let lastError: ErrorBody | null = null;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      events.open();
    };
    ws.onmessage = (event: MessageEvent) => {
      const frame = parseFrame(event.data);
      if (!frame) return;
      if (frame.type === 'error' && frame.id === undefined) lastError = frame.error;
      events.frame(frame);
    };
    ws.onclose = (event: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      refused = REFUSED.has(event.code);
      events.down(refused ? (lastError ?? { code: 'unauthorized', message: 'The chat service refused this page.' }) : null);
      if (!refused) timer = setTimeout(open, reconnectDelay(attempt++, Math.random()));
    };
  }

  const onOnline = () => {
    attempt = 0;
    open();
  };

  return {
    start(): void {
      stopped = false;
      addEventListener('online', onOnline);
      open();
    },
    get isOpen(): boolean {
      return socket?.readyState === WebSocket.OPEN;
    },
    /** Sends when the socket is open; otherwise the message waits in the outbox for the next open. */
    send(message: OutgoingMessage): boolean {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify({ type: 'message', ...message }));
      return true;
    },
    stop(): void {
      stopped = true;
      clearTimeout(timer);
      removeEventListener('online', onOnline);
      socket?.close(1000);
      socket = null;
    },
  };
}

export type Connection = ReturnType<typeof createConnection>;
