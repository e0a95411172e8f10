import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Redaction is a safety net: request bodies are never logged and handlers never log config, but if a
 * secret-bearing object reaches a log call anyway its secret fields are censored.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.body',
  'body',
  'config',
  'secrets',
  'password',
  'access_token',
  'refresh_token',
  'webhookSecret',
  '*.config',
  '*.secrets',
  '*.password',
  '*.passwordHash',
  '*.apiKey',
  '*.accessToken',
  '*.appSecret',
  '*.serviceAccountKey',
  '*.access_token',
  '*.refresh_token',
  '*.webhookSecret',
  '*.token',
];

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        // Query strings can carry verification tokens (webhook handshakes): log the path only.
        req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
          method: req.method,
          path: req.url.split('?')[0],
          ip: req.ip,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    opts.destination,
  );
}
