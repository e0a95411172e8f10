import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../../../shared/secret-fields';
import { goHighLevel } from '../../../../shared/templates/gohighlevel';
import { configForSubmit, fieldErrorsToErrorSchema, formSchemaFor, splitStoredSecrets, uiSchemaFor, usesStoredSecret } from './configLogic';

const schema = goHighLevel.configSchema;

describe('config logic', () => {
  it('removes stored secret placeholders from the form and reports them as stored', () => {
    const r = splitStoredSecrets(schema, { apiKey: SECRET_PLACEHOLDER, locationId: 'Loc12345' });
    expect(r.formData).toEqual({ locationId: 'Loc12345' });
    expect(r.stored).toEqual(['apiKey']);
  });

  it('does not require a stored secret in the form (leave empty to keep)', () => {
    expect(formSchemaFor(schema, ['apiKey']).required).toEqual(['locationId']);
    expect(formSchemaFor(schema, []).required).toEqual(['apiKey', 'locationId']);
    expect(schema.required).toEqual(['apiKey', 'locationId']);
  });

  it('uses the secret widget for writeOnly fields, marking stored ones', () => {
    const ui = uiSchemaFor(schema, ['apiKey']);
    expect(ui.apiKey).toMatchObject({ 'ui:widget': 'secret', 'ui:options': { stored: true } });
    expect(ui.locationId).toBeUndefined();
  });

  it('sends the placeholder for an untouched stored secret, the typed value otherwise, nothing when neither', () => {
    expect(configForSubmit(schema, { locationId: 'Loc12345' }, ['apiKey'])).toEqual({ apiKey: SECRET_PLACEHOLDER, locationId: 'Loc12345' });
    expect(configForSubmit(schema, { apiKey: 'pit-new-key-123', locationId: 'Loc12345' }, ['apiKey'])).toEqual({ apiKey: 'pit-new-key-123', locationId: 'Loc12345' });
    expect(configForSubmit(schema, { apiKey: '', locationId: 'Loc12345', calendarId: '' }, [])).toEqual({ locationId: 'Loc12345' });
    expect(usesStoredSecret(configForSubmit(schema, {}, ['apiKey']))).toBe(true);
  });

  it('maps server field errors (JSON pointer paths) onto the rjsf error schema', () => {
    expect(fieldErrorsToErrorSchema({ apiKey: 'bad', 'nested/x': 'worse' })).toEqual({ apiKey: { __errors: ['bad'] }, nested: { x: { __errors: ['worse'] } } });
    expect(fieldErrorsToErrorSchema({})).toBeUndefined();
  });
});
