import { createHmac } from 'node:crypto';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Hand-made JWTs for attacking the API: expired, tampered, or `alg: none`. */
export function craftJwt(payload: Record<string, unknown>, opts: { secret?: string; alg?: 'HS256' | 'none' } = {}): string {
  const alg = opts.alg ?? 'HS256';
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  if (alg === 'none') return `${head}.`;
  return `${head}.${createHmac('sha256', opts.secret ?? 'x').update(head).digest('base64url')}`;
}
