import { forwardRef, useMemo } from 'react';
import Form from '@rjsf/core';
import type { ErrorSchema, RegistryWidgetsType, RJSFSchema } from '@rjsf/utils';
import type { JsonSchemaLike } from '../../../../shared/secret-fields';
import { cspSafeValidator } from '../../lib/schemaValidator';
import { formSchemaFor, uiSchemaFor, type Config } from './configLogic';
import { SecretWidget } from './SecretWidget';

const widgets: RegistryWidgetsType = { secret: SecretWidget };

export type ConfigFormHandle = Form;

/** The config form generated from a template's configSchema (rjsf), with secrets and server errors. */
export const ConfigForm = forwardRef<Form, {
  schema: JsonSchemaLike;
  storedSecrets: string[];
  formData: Config;
  onChange(next: Config): void;
  /** Server-side errors by field, shown under the fields like client-side ones. */
  extraErrors?: ErrorSchema;
  disabled?: boolean;
  idPrefix?: string;
}>(function ConfigForm({ schema, storedSecrets, formData, onChange, extraErrors, disabled, idPrefix = 'config' }, ref) {
  const formSchema = useMemo(() => formSchemaFor(schema, storedSecrets), [schema, storedSecrets]);
  const uiSchema = useMemo(() => uiSchemaFor(schema, storedSecrets), [schema, storedSecrets]);
  return (
    <Form
      ref={ref}
      className="rjsf config-form"
      schema={formSchema as RJSFSchema}
      uiSchema={uiSchema}
      formData={formData}
      validator={cspSafeValidator}
      widgets={widgets}
      idPrefix={idPrefix}
      liveValidate="onBlur"
      showErrorList={false}
      noHtml5Validate
      extraErrors={extraErrors}
      disabled={disabled}
      onChange={(e) => onChange((e.formData ?? {}) as Config)}
      onSubmit={() => {}}
      // Errors are shown at the fields; without this rjsf also logs them to the console.
      onError={() => {}}
    />
  );
});
