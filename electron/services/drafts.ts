import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SECRET_PLACEHOLDER, secretFieldsOf } from '../../shared/secret-fields';
import { LoctelliError } from '../../shared/ipc/errors';
import type { Draft, DraftInput } from '../../shared/ipc/schemas';
import { isTempFile, removeStaleTempFiles, writeFileAtomic } from './atomic-file';
import { ConfigValidator } from './config-validation';
import { PRIVATE_DIR_MODE } from './private-dir';

/** Encrypts draft secrets: the credential vault. `seal` returns null when secrets must stay in memory. */
export interface SecretSealer {
  seal(value: string): string | null;
  unseal(sealed: string): string;
}

export interface DraftTemplate {
  id: number;
  displayName: string;
  configSchema: Record<string, unknown>;
  updatedAt: string;
}

export interface DraftBaseSnapshot {
  version: number;
  name: string;
  description: string | null;
  isActive: boolean;
  config: Record<string, unknown>;
}

/** A draft as stored on disk. Secret values are only ever in `secrets` (sealed) or in memory. */
interface DraftRecord {
  format: 1;
  id: string;
  kind: 'create' | 'edit';
  integrationId: number | null;
  baseVersion: number | null;
  base: DraftBaseSnapshot | null;
  subAccountId: number | null;
  integrationTemplateId: number;
  templateName: string | null;
  name: string;
  description: string | null;
  isActive: boolean | null;
  /** Non-secret values; a secret field appears as SECRET_PLACEHOLDER only for "keep the server's value". */
  config: Record<string, unknown>;
  /** Secret values typed into this draft, sealed by the vault. */
  secrets: Record<string, string>;
  /** Secret fields typed into this draft while the vault kept values in memory only. */
  memorySecrets: string[];
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface DraftStoreOptions {
  dir: string;
  profileId: string;
  sealer: SecretSealer;
  /** The template (from the server or the offline cache), or null when unknown. */
  template(id: number): Promise<DraftTemplate | null>;
  /** The integration as it is at `version` (for an edit draft's base), when the console can get it. */
  baseOf?(integrationId: number, version: number): Promise<DraftBaseSnapshot | null>;
  now?: () => Date;
}

const ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Offline drafts of new integrations and of edits, one JSON file per draft, written atomically with
 * fsync (a `kill -9` at any instant leaves the previous or the new version, whole). Secret values are
 * sealed by the vault, or held in memory when the vault may not persist (basic_text not accepted).
 */
export class DraftStore {
  private readonly memory = new Map<string, Record<string, string>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly validator = new ConfigValidator();
  private cleaned = false;

  constructor(private readonly opts: DraftStoreOptions) {}

  private file(id: string) {
    if (!ID.test(id)) throw new LoctelliError('not_found', 'No such draft');
    return join(this.opts.dir, `${id}.json`);
  }

  private now() {
    return (this.opts.now?.() ?? new Date()).toISOString();
  }

  /** Serialises the writes of one draft (autosaves may overlap). */
  private exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return next;
  }

  private async read(id: string): Promise<DraftRecord | null> {
    let text: string;
    try {
      text = await readFile(this.file(id), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const rec = JSON.parse(text) as DraftRecord;
    return rec && rec.format === 1 && rec.id === id ? rec : null;
  }

  private async write(rec: DraftRecord) {
    await writeFileAtomic(this.file(rec.id), JSON.stringify(rec), { durable: true });
  }

  async list(): Promise<Draft[]> {
    if (!this.cleaned) {
      this.cleaned = true;
      await removeStaleTempFiles(this.opts.dir);
    }
    let names: string[];
    try {
      names = await readdir(this.opts.dir);
    } catch {
      return [];
    }
    const out: Draft[] = [];
    for (const name of names) {
      if (isTempFile(name) || !name.endsWith('.json')) continue;
      const id = name.slice(0, -5);
      if (!ID.test(id)) continue;
      try {
        const rec = await this.read(id);
        if (rec) out.push(await this.view(rec));
      } catch {
        // Cannot happen with atomic writes; a hand-edited file is skipped rather than breaking the list.
      }
    }
    return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  async get(id: string): Promise<Draft> {
    const rec = await this.read(id);
    if (!rec) throw new LoctelliError('not_found', 'This draft no longer exists');
    return this.view(rec);
  }

  async save(input: DraftInput): Promise<Draft> {
    if (input.kind === 'edit' && (input.integrationId === undefined || input.baseVersion === undefined)) {
      throw new LoctelliError('invalid_payload', 'An edit draft needs integrationId and baseVersion', {
        inputErrors: { ...(input.integrationId === undefined ? { integrationId: 'is required' } : {}), ...(input.baseVersion === undefined ? { baseVersion: 'is required' } : {}) },
      });
    }
    if (input.kind === 'create' && (input.integrationId !== undefined || input.baseVersion !== undefined)) {
      throw new LoctelliError('invalid_payload', 'A draft of a new integration has no integrationId or baseVersion');
    }
    const template = await this.opts.template(input.integrationTemplateId);
    if (!template) {
      throw new LoctelliError('offline', 'The template of this draft is not available offline yet: open it once while connected.');
    }
    const id = input.id ?? randomBytes(12).toString('base64url');
    return this.exclusive(id, async () => {
      const existing = input.id ? await this.read(id) : null;
      if (input.id && !existing) throw new LoctelliError('not_found', 'This draft no longer exists');
      if (existing && (existing.kind !== input.kind || existing.integrationId !== (input.integrationId ?? null))) {
        throw new LoctelliError('invalid_payload', 'A draft cannot change what it is a draft of');
      }
      const secretFields = new Set(secretFieldsOf(template.configSchema));
      const config: Record<string, unknown> = {};
      const secrets: Record<string, string> = {};
      const memory: Record<string, string> = {};
      const prevMemory = this.memory.get(id) ?? {};
      for (const [key, value] of Object.entries(input.config)) {
        if (!secretFields.has(key)) {
          config[key] = value;
          continue;
        }
        if (value === SECRET_PLACEHOLDER) {
          // Keep what is held: this draft's own secret, else (for an edit) the server's stored value.
          if (existing?.secrets[key] !== undefined) secrets[key] = existing.secrets[key];
          else if (prevMemory[key] !== undefined) memory[key] = prevMemory[key];
          else if (input.kind === 'edit') config[key] = SECRET_PLACEHOLDER;
          continue;
        }
        if (value === '' || value === null || value === undefined) continue;
        if (typeof value !== 'string') {
          config[key] = value; // not a string: the schema check will flag it; nothing secret to protect
          continue;
        }
        const sealed = this.opts.sealer.seal(value);
        if (sealed === null) memory[key] = value;
        else secrets[key] = sealed;
      }
      const now = this.now();
      let base = existing?.base ?? null;
      if (!existing && input.kind === 'edit' && this.opts.baseOf) {
        base = await this.opts.baseOf(input.integrationId!, input.baseVersion!).catch(() => null);
      }
      if (existing && input.baseVersion !== undefined && existing.baseVersion !== input.baseVersion) {
        // The user rebased the edit on a newer version (after a conflict): the old base no longer applies.
        base = this.opts.baseOf ? await this.opts.baseOf(input.integrationId!, input.baseVersion).catch(() => null) : null;
      }
      const rec: DraftRecord = {
        format: 1,
        id,
        kind: input.kind,
        integrationId: input.integrationId ?? null,
        baseVersion: input.baseVersion ?? null,
        base,
        subAccountId: input.subAccountId,
        integrationTemplateId: input.integrationTemplateId,
        templateName: template.displayName,
        name: input.name,
        description: input.description,
        isActive: input.isActive ?? null,
        config,
        secrets,
        memorySecrets: Object.keys(memory),
        revision: (existing?.revision ?? 0) + 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await mkdir(this.opts.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      await this.write(rec);
      if (Object.keys(memory).length) this.memory.set(id, memory);
      else this.memory.delete(id);
      return this.view(rec, template);
    });
  }

  async discard(id: string): Promise<boolean> {
    return this.exclusive(id, async () => {
      this.memory.delete(id);
      try {
        await unlink(this.file(id));
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    });
  }

  /** The draft with its secret values revealed, for submitting it to the server (never for the renderer). */
  async reveal(id: string): Promise<{ draft: Draft; config: Record<string, unknown> }> {
    const rec = await this.read(id);
    if (!rec) throw new LoctelliError('not_found', 'This draft no longer exists');
    return { draft: await this.view(rec), config: this.revealedConfig(rec) };
  }

  /** After the vault's policy changed: moves secrets between disk (sealed) and memory. */
  async repersist(): Promise<void> {
    for (const d of await this.list()) {
      await this.exclusive(d.id, async () => {
        const rec = await this.read(d.id);
        if (!rec) return;
        const plain = this.secretValues(rec);
        const secrets: Record<string, string> = {};
        const memory: Record<string, string> = {};
        for (const [k, v] of Object.entries(plain)) {
          const sealed = this.opts.sealer.seal(v);
          if (sealed === null) memory[k] = v;
          else secrets[k] = sealed;
        }
        const lost = rec.memorySecrets.filter((k) => !(k in plain));
        await this.write({ ...rec, secrets, memorySecrets: [...Object.keys(memory), ...lost] });
        if (Object.keys(memory).length) this.memory.set(rec.id, memory);
        else this.memory.delete(rec.id);
      });
    }
  }

  /** Deletes every draft of this profile. */
  async clear(): Promise<void> {
    this.memory.clear();
    await rm(this.opts.dir, { recursive: true, force: true });
  }

  private secretValues(rec: DraftRecord): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, sealed] of Object.entries(rec.secrets)) {
      try {
        out[k] = this.opts.sealer.unseal(sealed);
      } catch {
        /* sealed under another key: lost */
      }
    }
    const mem = this.memory.get(rec.id) ?? {};
    for (const k of rec.memorySecrets) if (mem[k] !== undefined) out[k] = mem[k];
    return out;
  }

  private revealedConfig(rec: DraftRecord): Record<string, unknown> {
    return { ...rec.config, ...this.secretValues(rec) };
  }

  private async view(rec: DraftRecord, known?: DraftTemplate | null): Promise<Draft> {
    const template = known ?? (await this.opts.template(rec.integrationTemplateId).catch(() => null));
    const held = this.secretValues(rec);
    const lostSecrets = [...new Set([...rec.memorySecrets, ...Object.keys(rec.secrets)])].filter((k) => !(k in held));
    const config: Record<string, unknown> = { ...rec.config };
    for (const k of Object.keys(held)) config[k] = SECRET_PLACEHOLDER;
    let validation: Draft['validation'] = { checked: false, valid: false, fieldErrors: {} };
    if (template) {
      const keptOnServer = Object.entries(rec.config).filter(([, v]) => v === SECRET_PLACEHOLDER).map(([k]) => k);
      const result = this.validator.validate(`${template.id}@${template.updatedAt}`, template.configSchema, { ...rec.config, ...held }, keptOnServer);
      validation = { checked: true, ...result };
    }
    return {
      id: rec.id,
      profileId: this.opts.profileId,
      kind: rec.kind,
      integrationId: rec.integrationId,
      baseVersion: rec.baseVersion,
      base: rec.base,
      subAccountId: rec.subAccountId,
      integrationTemplateId: rec.integrationTemplateId,
      templateName: template?.displayName ?? rec.templateName,
      name: rec.name,
      description: rec.description,
      isActive: rec.isActive,
      config,
      draftSecrets: Object.keys(held),
      lostSecrets,
      validation,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
    };
  }
}
