import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level: string;
  pretty?: boolean;
  /** Fields added to every line (the active trace's ids when tracing is on). */
  mixin?: () => object;
}

const LOG_BLOCK_BYTES = 4096;
const LOG_FLUSH_MS = 1000;

/** Operator logs: JSON lines. Secrets and message text never go above debug. */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    ...(options.mixin ? { mixin: options.mixin } : {}),
    redact: { paths: ['*.apiKey', '*.password', '*.secret', '*.token', 'req.headers.authorization'], censor: '[redacted]' },
  };
  // People at a terminal get readable lines; anything else (containers, files) gets JSON.
  if (options.pretty) return pino({ ...settings, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } } });
  // Written asynchronously, in blocks of at least 4 KB: each write hands a buffer to a libuv thread
  // and wakes the reader of the pipe, so a write per line (one a request at info) cost a busy
  // server ~12% of its throughput. A timer sends what is left every second, so a quiet server's
  // lines still appear promptly; pino flushes the rest on exit.
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BLOCK_BYTES });
  const flushing = setInterval(() => destination.flush(), LOG_FLUSH_MS).unref();
  destination.on('close', () => clearInterval(flushing));
  return pino(settings, destination);
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
