import type { ApiErrorDetail } from '../../shared/api/common';
import { SECRET_PLACEHOLDER, secretFieldsOf } from '../../shared/secret-fields';
import type { Keyring } from '../crypto/keyring';
import { open, seal } from '../crypto/secret-box';
import type { EncryptedSecrets } from '../db/schema';
import { badRequest } from '../http/errors';

/** Associated data binding each sealed value to its field, so envelopes cannot be moved between fields. */
export const configAad = (field: string) => `integration-config:${field}`;
export const WEBHOOK_SECRET_AAD = 'integration-webhook-secret';

export interface PreparedConfig {
  /** Non-secret values, stored as they are. */
  plain: Record<string, unknown>;
  /** Secret values, sealed. */
  sealed: EncryptedSecrets;
  /** The full config with real secret values, for validation and provider calls; never stored or returned. */
  effective: Record<string, unknown>;
  /** Secret fields whose value is new, changed or removed (for the audit log). */
  changedSecrets: string[];
}

/**
 * Splits an incoming config into stored parts. For secret fields: the placeholder keeps the stored
 * value, a new string replaces it, absence removes it. The placeholder is never accepted as a value.
 */
export function prepareConfig(
  keyring: Keyring,
  schema: Record<string, unknown>,
  incoming: Record<string, unknown>,
  stored: EncryptedSecrets = {},
): PreparedConfig {
  const secretFields = new Set(secretFieldsOf(schema));
  const details: ApiErrorDetail[] = [];
  const plain: Record<string, unknown> = {};
  const sealed: EncryptedSecrets = {};
  const effective: Record<string, unknown> = {};
  const changedSecrets: string[] = [];

  for (const [field, value] of Object.entries(incoming)) {
    if (!secretFields.has(field)) {
      if (value === SECRET_PLACEHOLDER) {
        details.push({ path: `/body/config/${field}`, message: 'the secret placeholder is only meaningful for secret fields' });
      }
      plain[field] = value;
      effective[field] = value;
      continue;
    }
    if (value === SECRET_PLACEHOLDER) {
      if (!stored[field]) {
        details.push({ path: `/body/config/${field}`, message: 'has no stored value to keep: enter the secret' });
        continue;
      }
      sealed[field] = stored[field];
      effective[field] = open(keyring, stored[field], configAad(field));
      continue;
    }
    // Not a string: leave it to schema validation to report the type error, but never store it.
    effective[field] = value;
    if (typeof value !== 'string') continue;
    if (value.includes(SECRET_PLACEHOLDER)) {
      details.push({ path: `/body/config/${field}`, message: 'must not contain the secret placeholder' });
      continue;
    }
    const previous = stored[field] ? open(keyring, stored[field], configAad(field)) : undefined;
    if (previous === value) {
      sealed[field] = stored[field];
    } else {
      sealed[field] = seal(keyring, value, configAad(field));
      changedSecrets.push(field);
    }
  }
  for (const field of Object.keys(stored)) {
    if (secretFields.has(field) && !(field in incoming)) changedSecrets.push(field);
  }
  if (details.length) throw badRequest('Invalid config', details);
  return { plain, sealed, effective, changedSecrets };
}

/** The full config with decrypted secrets, for provider calls inside the server. */
export function revealConfig(keyring: Keyring, plain: Record<string, unknown>, sealed: EncryptedSecrets): Record<string, unknown> {
  const out: Record<string, unknown> = { ...plain };
  for (const [field, envelope] of Object.entries(sealed)) out[field] = open(keyring, envelope, configAad(field));
  return out;
}
