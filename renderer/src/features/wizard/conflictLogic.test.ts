import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../../../shared/secret-fields';
import { conflictRows, defaultChoices, resolve, unresolvedCount } from './conflictLogic';

const base = { name: 'Acme', description: null, config: { apiKey: SECRET_PLACEHOLDER, locationId: 'Loc1', calendarId: 'Cal1' } };

describe('conflict logic', () => {
  it('classifies each field by who changed it since the base', () => {
    const mine = { name: 'Acme (mine)', description: null, config: { apiKey: SECRET_PLACEHOLDER, locationId: 'Loc2', calendarId: 'Cal1' } };
    const theirs = { name: 'Acme', description: 'theirs', config: { apiKey: SECRET_PLACEHOLDER, locationId: 'Loc3', calendarId: 'Cal1' } };
    const rows = conflictRows(base, mine, theirs, { secretFields: ['apiKey'] });
    const by = Object.fromEntries(rows.map((r) => [r.key, r.change]));
    expect(by).toEqual({ name: 'mine', description: 'theirs', 'config.apiKey': 'none', 'config.calendarId': 'none', 'config.locationId': 'both' });
    expect(unresolvedCount(rows)).toBe(1);
  });

  it('merges by default: their changes, my changes, mine on a real conflict; secrets stay placeholders', () => {
    const mine = { name: 'Acme (mine)', description: null, config: { apiKey: SECRET_PLACEHOLDER, locationId: 'Loc2', calendarId: 'Cal1' } };
    const theirs = { name: 'Acme', description: 'theirs', config: { apiKey: SECRET_PLACEHOLDER, locationId: 'Loc3', calendarId: 'Cal1' } };
    const rows = conflictRows(base, mine, theirs, { secretFields: ['apiKey'] });
    const merged = resolve(rows, defaultChoices(rows), theirs);
    expect(merged).toEqual({ name: 'Acme (mine)', description: 'theirs', config: { apiKey: SECRET_PLACEHOLDER, locationId: 'Loc2', calendarId: 'Cal1' } });
    const theirsWins = resolve(rows, { ...defaultChoices(rows), 'config.locationId': 'theirs' }, theirs);
    expect(theirsWins.config.locationId).toBe('Loc3');
  });

  it('treats a newly typed secret as my change and never exposes it as theirs', () => {
    const mine = { name: 'Acme', description: null, config: { apiKey: 'pit-new', locationId: 'Loc1', calendarId: 'Cal1' } };
    const rows = conflictRows(base, mine, base, { secretFields: ['apiKey'] });
    expect(rows.find((r) => r.key === 'config.apiKey')?.change).toBe('mine');
    expect(resolve(rows, defaultChoices(rows), base).config.apiKey).toBe('pit-new');
  });

  it('without a base, any difference is shown as a conflict', () => {
    const rows = conflictRows(null, { name: 'a', description: null, config: {} }, { name: 'b', description: null, config: {} });
    expect(rows.find((r) => r.key === 'name')?.change).toBe('both');
  });
});
