import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level: string;
  pretty?: boolean;
  /** Fields added to every line (the active trace's ids when tracing is on). */
  mixin?: () => object;
}

/** Operator logs: JSON lines. Secrets and message text never go above debug. */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    ...(options.mixin ? { mixin: options.mixin } : {}),
    redact: { paths: ['*.apiKey', '*.password', '*.secret', '*.token', 'req.headers.authorization'], censor: '[redacted]' },
  };
  // People at a terminal get readable lines; anything else (containers, files) gets JSON.
  if (options.pretty) return pino({ ...settings, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } } });
  // Written asynchronously: lines logged while a write is under way go out together in the next one,
  // instead of a blocking system call per line (two a request at info); pino flushes them on exit.
  return pino(settings, pino.destination({ dest: 1, sync: false }));
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
