import { useMemo, useState, type RefObject } from 'react';
import type Form from '@rjsf/core';
import { Notice } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { SubaccountPicker } from '../../components/SubaccountPicker';
import { useApp } from '../../shell/AppContext';
import { ConfigForm } from './ConfigForm';
import { erroredFields, fieldErrorsToErrorSchema } from './configLogic';
import type { WizardModel } from './model';
import type { ServerErrors } from './Wizard';

const NAME_MAX = 200;

export function StepConfigure({
  model,
  update,
  formRef,
  serverErrors,
  onBack,
  onNext,
}: {
  model: WizardModel;
  update(patch: Partial<WizardModel>): void;
  formRef: RefObject<Form | null>;
  serverErrors: ServerErrors | null;
  onBack(): void;
  onNext(): void;
}) {
  const { subaccounts } = useApp();
  const [touched, setTouched] = useState(false);
  const extraErrors = useMemo(() => fieldErrorsToErrorSchema(serverErrors?.fieldErrors), [serverErrors]);
  const input = serverErrors?.inputErrors ?? {};
  const nameError = input.name ?? (touched && !model.name.trim() ? 'is required' : model.name.length > NAME_MAX ? `must be at most ${NAME_MAX} characters` : undefined);
  const subError = input.subAccountId ?? (touched && model.mode === 'create' && !model.subAccountId ? 'Choose the subaccount this integration belongs to' : undefined);

  const next = () => {
    setTouched(true);
    const formOk = formRef.current?.validateForm() ?? true;
    if (formOk && model.name.trim() && model.name.length <= NAME_MAX && (model.mode === 'edit' || model.subAccountId)) onNext();
  };

  return (
    <section className="card-body" aria-labelledby="step-config">
      <h2 id="step-config" className="step-title">Configuration</h2>
      {serverErrors ? (
        <Notice kind="error" title="The server did not accept these values">
          {serverErrors.message}
          {serverErrors.fieldErrors ? <> — check {erroredFields(serverErrors.fieldErrors).join(', ')} below.</> : null}
        </Notice>
      ) : null}
      <div className="config-layout">
        <div className="config-main">
          <fieldset className="config-identity">
            <legend className="section-title">Integration</legend>
            {model.mode === 'create' ? (
              <div className="field">
                <span className="label" id="wiz-sub-label">
                  Subaccount<span className="required">*</span>
                </span>
                <SubaccountPicker subaccounts={subaccounts} value={model.subAccountId} onChange={(id) => update({ subAccountId: id })} label="Subaccount" buttonClassName="btn picker-field" />
                {subError ? <span className="field-error" role="alert">{subError}</span> : null}
              </div>
            ) : null}
            <div className="field">
              <label htmlFor="wiz-name">
                Name<span className="required">*</span>
              </label>
              <input
                id="wiz-name"
                className="input"
                value={model.name}
                maxLength={NAME_MAX + 20}
                aria-invalid={!!nameError || undefined}
                aria-describedby={nameError ? 'wiz-name-error' : 'wiz-name-hint'}
                onChange={(e) => update({ name: e.target.value })}
              />
              {nameError ? (
                <span className="field-error" id="wiz-name-error">
                  {nameError}
                </span>
              ) : (
                <span className="hint" id="wiz-name-hint">
                  How this integration appears in lists, e.g. “Acme – GoHighLevel”.
                </span>
              )}
            </div>
            <div className="field">
              <label htmlFor="wiz-description">Description</label>
              <textarea id="wiz-description" className="textarea" rows={2} value={model.description} onChange={(e) => update({ description: e.target.value })} />
              {input.description ? <span className="field-error">{input.description}</span> : null}
            </div>
          </fieldset>
          <fieldset className="config-fields">
            <legend className="section-title">{model.template.displayName} settings</legend>
            <ConfigForm ref={formRef} schema={model.template.configSchema} storedSecrets={model.stored} formData={model.formData} extraErrors={extraErrors} onChange={(formData) => JSON.stringify(formData) !== JSON.stringify(model.formData) && update({ formData })} />
          </fieldset>
        </div>
        <aside className="config-aside">
          <Notice kind="info" title="Saved as you type">
            Everything you type is kept as a draft on this computer (secrets encrypted), even offline. Resume it from <strong>Drafts</strong>.
          </Notice>
        </aside>
      </div>
      <div className="wizard-nav">
        <button type="button" className="btn" onClick={onBack}>
          <Icon name="chevronLeft" size={14} /> Back
        </button>
        <div className="spacer" />
        <button type="button" className="btn btn-primary" onClick={next}>
          Next: test the connection <Icon name="chevronRight" size={14} />
        </button>
      </div>
    </section>
  );
}
