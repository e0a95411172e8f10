import { describe, expect, it } from 'vitest';
import { goHighLevel } from '../../../shared/templates/gohighlevel';
import { cspSafeValidator } from './schemaValidator';

describe('CSP-safe rjsf validator', () => {
  it('reports required, length, pattern and format errors at their fields', () => {
    const r = cspSafeValidator.validateFormData({ apiKey: 'short', locationId: 'bad id', webhookUrl: 'nope' }, goHighLevel.configSchema as never);
    const byField = Object.fromEntries(r.errors.map((e) => [e.property, e.message]));
    expect(byField['.apiKey']).toMatch(/at least 10/);
    expect(byField['.locationId']).toMatch(/format/);
    expect(byField['.webhookUrl']).toMatch(/URL/);
    expect((r.errorSchema as Record<string, { __errors: string[] }>).apiKey.__errors[0]).toMatch(/at least 10/);
    const missing = cspSafeValidator.validateFormData({}, goHighLevel.configSchema as never);
    expect(missing.errors.map((e) => e.property).sort()).toEqual(['.apiKey', '.locationId']);
  });

  it('accepts a valid config', () => {
    expect(cspSafeValidator.validateFormData({ apiKey: 'pit-0123456789', locationId: 'Loc12345' }, goHighLevel.configSchema as never).errors).toEqual([]);
    expect(cspSafeValidator.isValid(goHighLevel.configSchema as never, { apiKey: 'pit-0123456789', locationId: 'Loc12345' }, goHighLevel.configSchema as never)).toBe(true);
  });
});
