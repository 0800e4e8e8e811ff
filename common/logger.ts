import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The one structured logger. Level from LOG_LEVEL (default `info`, `silent` in tests).
 * Tokens, linkage keys and record values must never be passed to it: the redact list is a
 * second line of defence, not the first.
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL): Logger {
  return pino({
    level: level ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization'],
      censor: '[redacted]',
    },
    base: { name },
  });
}
