import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../shared/secret-fields';
import { KeyFileCipher } from './cipher';
import { DraftStore, type DraftTemplate } from './drafts';
import { MemoryStore } from './kv-store';
import { CredentialVault } from './vault';
import { crashTemplate, revisionContent } from './test-fixtures/draft-fixture';

const ghl: DraftTemplate = {
  id: 7,
  displayName: 'GoHighLevel CRM',
  updatedAt: '2026-01-01T00:00:00.000Z',
  configSchema: {
    type: 'object',
    properties: {
      apiKey: { type: 'string', writeOnly: true, minLength: 10 },
      locationId: { type: 'string', minLength: 5, pattern: '^[A-Za-z0-9]+$' },
      webhookUrl: { type: 'string', format: 'uri' },
    },
    required: ['apiKey', 'locationId'],
    additionalProperties: false,
  },
};

function setup(opts: { backend?: string; dir?: string; keyFile?: string; accepted?: () => boolean } = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'loctelli-drafts-'));
  const keyFile = opts.keyFile ?? join(dir, 'key');
  const vault = new CredentialVault(new KeyFileCipher({ keyFile, backend: opts.backend }), new MemoryStore(), opts.accepted ?? (() => false));
  const store = new DraftStore({ dir: join(dir, 'drafts'), profileId: 'p1', sealer: vault, template: async (id) => (id === ghl.id ? ghl : id === 1 ? crashTemplate : null) });
  return { dir, keyFile, vault, store };
}

const input = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  kind: 'create' as const,
  subAccountId: 1,
  integrationTemplateId: ghl.id,
  name: 'Main location',
  description: null,
  config,
  ...extra,
});

describe('offline drafts', () => {
  it('autosaves, lists and validates offline against the template schema', async () => {
    const { store } = setup();
    const d1 = await store.save(input({ apiKey: 'short', locationId: 'ab' }));
    expect(d1.validation).toEqual({ checked: true, valid: false, fieldErrors: { apiKey: 'must NOT have fewer than 10 characters', locationId: 'must NOT have fewer than 5 characters' } });
    const d2 = await store.save({ ...input({ apiKey: SECRET_PLACEHOLDER, locationId: 'loc12345', webhookUrl: 'not a uri' }), id: d1.id });
    expect(d2.id).toBe(d1.id);
    expect(d2.validation.fieldErrors).toEqual({ apiKey: 'must NOT have fewer than 10 characters', webhookUrl: 'must match format "uri"' });
    const d3 = await store.save({ ...input({ apiKey: 'a-valid-api-key', locationId: 'loc12345' }), id: d1.id });
    expect(d3.validation).toEqual({ checked: true, valid: true, fieldErrors: {} });
    expect(d3.createdAt).toBe(d1.createdAt);
    expect((await store.list()).map((d) => d.id)).toEqual([d1.id]);
    await expect(store.save(input({}, { integrationTemplateId: 999 }))).rejects.toMatchObject({ code: 'offline' });
  });

  it('never writes or returns a typed secret in clear', async () => {
    const { store, dir } = setup();
    const d = await store.save(input({ apiKey: 'super-secret-api-key', locationId: 'loc12345' }));
    expect(d.config.apiKey).toBe(SECRET_PLACEHOLDER);
    expect(d.draftSecrets).toEqual(['apiKey']);
    expect(JSON.stringify(d)).not.toContain('super-secret');
    const raw = readFileSync(join(dir, 'drafts', `${d.id}.json`), 'utf8');
    expect(raw).not.toContain('super-secret');
    expect((await store.reveal(d.id)).config).toEqual({ apiKey: 'super-secret-api-key', locationId: 'loc12345' });
    // Sending the placeholder back keeps the draft's secret; '' clears it.
    await store.save({ ...input({ apiKey: SECRET_PLACEHOLDER, locationId: 'loc99999' }), id: d.id });
    expect((await store.reveal(d.id)).config.apiKey).toBe('super-secret-api-key');
    const cleared = await store.save({ ...input({ apiKey: '', locationId: 'loc99999' }), id: d.id });
    expect(cleared.draftSecrets).toEqual([]);
    expect(cleared.validation.fieldErrors).toEqual({ apiKey: 'is required' });
  });

  it('edit drafts keep the server-stored secret as the placeholder and carry their base version', async () => {
    const { store } = setup();
    const edit = await store.save(input({ apiKey: SECRET_PLACEHOLDER, locationId: 'loc12345' }, { kind: 'edit', integrationId: 12, baseVersion: 3 }));
    expect(edit).toMatchObject({ kind: 'edit', integrationId: 12, baseVersion: 3, draftSecrets: [] });
    expect(edit.config.apiKey).toBe(SECRET_PLACEHOLDER);
    expect(edit.validation.valid).toBe(true); // the stored secret counts as present
    expect((await store.reveal(edit.id)).config.apiKey).toBe(SECRET_PLACEHOLDER);
    await expect(store.save(input({}, { kind: 'edit' }))).rejects.toMatchObject({ code: 'invalid_payload' });
    await expect(store.save({ ...input({}), id: edit.id })).rejects.toMatchObject({ code: 'invalid_payload' });
  });

  it('keeps secrets in memory only when the vault may not persist (basic_text), and says which were lost', async () => {
    const first = setup({ backend: 'basic_text' });
    const d = await first.store.save(input({ apiKey: 'memory-only-secret', locationId: 'loc12345' }));
    expect(d.draftSecrets).toEqual(['apiKey']);
    expect(readFileSync(join(first.dir, 'drafts', `${d.id}.json`), 'utf8')).not.toContain('memory-only-secret');
    expect((await first.store.reveal(d.id)).config.apiKey).toBe('memory-only-secret');
    // The console restarts: the draft is there, its secret is not.
    const again = setup({ backend: 'basic_text', dir: first.dir, keyFile: first.keyFile });
    const after = await again.store.get(d.id);
    expect(after.lostSecrets).toEqual(['apiKey']);
    expect(after.config.locationId).toBe('loc12345');
    expect(after.validation.fieldErrors).toEqual({ apiKey: 'is required' });
  });

  it('moves secrets to disk when the user accepts basic_text storage', async () => {
    let accepted = false;
    const s = setup({ backend: 'basic_text', accepted: () => accepted });
    const d = await s.store.save(input({ apiKey: 'memory-only-secret', locationId: 'loc12345' }));
    accepted = true;
    s.vault.policyChanged();
    await s.store.repersist();
    const again = setup({ backend: 'basic_text', dir: s.dir, keyFile: s.keyFile, accepted: () => true });
    expect((await again.store.reveal(d.id)).config.apiKey).toBe('memory-only-secret');
    expect(readFileSync(join(s.dir, 'drafts', `${d.id}.json`), 'utf8')).not.toContain('memory-only-secret');
  });

  it('serialises overlapping autosaves of one draft', async () => {
    const { store } = setup();
    const d = await store.save(input({ apiKey: 'a-valid-api-key', locationId: 'loc00000' }));
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save({ ...input({ apiKey: SECRET_PLACEHOLDER, locationId: `loc${String(i).padStart(5, '0')}` }), id: d.id })));
    const final = await store.get(d.id);
    expect(final.config.locationId).toBe('loc00019');
    expect((await store.reveal(d.id)).config.apiKey).toBe('a-valid-api-key');
  });

  it('survives kill -9 at any moment of an autosave: always the previous or the new revision, whole', async () => {
    const { dir, keyFile, store } = setup();
    const draftsDir = join(dir, 'drafts');
    const script = fileURLToPath(new URL('./test-fixtures/draft-writer.ts', import.meta.url));
    let id = '';
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, draftsDir, keyFile, id], { stdio: ['ignore', 'pipe', 'pipe'] });
      let lastAck = 0;
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      await new Promise<void>((resolve, reject) => {
        let buf = '';
        let armed = false;
        child.stdout.on('data', (c: Buffer) => {
          buf += c.toString();
          for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
            const [, did, n] = buf.slice(0, nl).split(' ');
            buf = buf.slice(nl + 1);
            id = did;
            lastAck = Number(n);
            if (!armed) {
              armed = true;
              // Let it save for a random while, then pull the plug mid-write.
              setTimeout(() => child.kill('SIGKILL'), 30 + Math.floor(Math.random() * 250));
            }
          }
        });
        child.on('exit', () => resolve());
        child.on('error', reject);
      });
      expect(lastAck, stderr).toBeGreaterThan(0);
      const file = join(draftsDir, `${id}.json`);
      const rec = JSON.parse(readFileSync(file, 'utf8'));
      const n = rec.config.n as number;
      // Acknowledged saves are never lost; the one in flight may or may not have landed.
      expect([lastAck, lastAck + 1]).toContain(n);
      const expected = revisionContent(n);
      expect(rec.name).toBe(expected.name);
      expect(rec.description).toBe(expected.description);
      expect(rec.config.padding).toBe(expected.config.padding);
      expect((await store.reveal(id)).config.apiKey).toBe(expected.config.apiKey);
    }
    // A temp file a crash left behind is ignored and cleaned up.
    writeFileSync(join(draftsDir, `.${id}.json.99999.abcdef.tmp`), '{"torn":');
    const fresh = setup({ dir, keyFile });
    const drafts = await fresh.store.list();
    expect(drafts.map((d) => d.id)).toEqual([id]);
    expect(readdirSync(draftsDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});
