import { describe, expect, it } from 'vitest';
import { contract, events } from './contract';
import { IPC_ERROR_CODES, IpcError, isIpcError, LoctelliError } from './errors';
import { EVENT_NAMES, METHOD_NAMES, channelOf } from './methods';
import { createContractAjv, createContractValidators } from './validate';

describe('IPC contract', () => {
  it('lists every method once, with the same names as the schemas', () => {
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(contract).sort());
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(events).sort());
    for (const m of METHOD_NAMES) expect(m).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
    expect(new Set(METHOD_NAMES.map(channelOf)).size).toBe(METHOD_NAMES.length);
  });

  it('offers the operations the renderer is built on', () => {
    for (const m of [
      'auth.getSession', 'auth.signIn', 'auth.signOut',
      'profiles.list', 'profiles.add', 'profiles.remove', 'profiles.switch',
      'templates.list', 'templates.get', 'subaccounts.list',
      'integrations.list', 'integrations.get', 'integrations.create', 'integrations.update', 'integrations.delete',
      'integrations.activate', 'integrations.deactivate', 'integrations.test', 'integrations.testConfig', 'integrations.summary',
      'integrations.sync', 'syncRuns.list', 'audit.list',
      'drafts.list', 'drafts.get', 'drafts.save', 'drafts.discard', 'drafts.submit', 'settings.get', 'settings.set',
    ]) {
      expect(METHOD_NAMES).toContain(m);
    }
  });

  it('compiles every argument, result and event schema with ajv (draft-07, strict types)', () => {
    const v = createContractValidators(createContractAjv());
    for (const m of METHOD_NAMES) {
      expect(() => v.args(m), m).not.toThrow();
      expect(() => v.result(m), m).not.toThrow();
    }
    for (const e of EVENT_NAMES) expect(() => v.event(e), e).not.toThrow();
    expect(() => createContractAjv().compile(IpcError)).not.toThrow();
  });

  it('takes positional arguments, optional ones at the end', () => {
    const v = createContractValidators();
    expect(v.args('integrations.list')([])).toBe(true);
    expect(v.args('integrations.list')([{ subAccountId: 3, status: 'active' }])).toBe(true);
    expect(v.args('integrations.list')([{ subAccountId: 'x' }])).toBe(false);
    expect(v.args('integrations.testConfig')([1, { apiKey: 'k' }])).toBe(true);
    expect(v.args('integrations.testConfig')([1])).toBe(false);
    expect(v.args('auth.getSession')([])).toBe(true);
    expect(v.args('auth.getSession')([1])).toBe(false);
    expect(v.args('integrations.get')([1, 2])).toBe(false);
  });

  it('never carries a password or token back to the renderer', () => {
    const text = JSON.stringify(Object.fromEntries(METHOD_NAMES.map((m) => [m, contract[m].result])));
    expect(text).not.toMatch(/refresh_token|access_token|"password"/);
  });

  it('types errors', () => {
    const e = new LoctelliError('validation', 'bad', { fieldErrors: { apiKey: 'is required' }, inputErrors: {} });
    expect(e.toJSON()).toEqual({ code: 'validation', message: 'bad', fieldErrors: { apiKey: 'is required' } });
    expect(isIpcError(e.toJSON())).toBe(true);
    expect(isIpcError({ code: 'nope', message: 'x' })).toBe(false);
    expect(createContractAjv().validate(IpcError, e.toJSON())).toBe(true);
    expect(IPC_ERROR_CODES).toContain('not_available');
  });
});
