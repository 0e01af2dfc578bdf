import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level: string;
  pretty?: boolean;
}

/** Operator logs: JSON lines. Secrets and message text never go above debug. */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
    level: options.level,
    redact: { paths: ['*.apiKey', '*.password', '*.secret', '*.token', 'req.headers.authorization'], censor: '[redacted]' },
  });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
