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
  return pino({
    level: options.level,
    ...(options.mixin ? { mixin: options.mixin } : {}),
    // People at a terminal get readable lines; anything else (containers, files) gets JSON.
    ...(options.pretty ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } } } : {}),
    redact: { paths: ['*.apiKey', '*.password', '*.secret', '*.token', 'req.headers.authorization'], censor: '[redacted]' },
  });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
