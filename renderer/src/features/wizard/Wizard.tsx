import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type Form from '@rjsf/core';
import type { Draft } from '../../../../shared/ipc/schemas';
type DraftBase = NonNullable<Draft['base']>;
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { TemplateIcon } from '../../components/TemplateIcon';
import { Instructions } from '../../components/Instructions';
import { Notice } from '../../components/Feedback';
import { hrefOf } from '../../lib/router';
import { clockTime } from '../../lib/time';
import { useApp } from '../../shell/AppContext';
import type { TestResult } from '../../../../shared/api/integrations';
import { StepConfigure } from './StepConfigure';
import { StepTest } from './StepTest';
import { StepActivate } from './StepActivate';
import { Stepper } from './Stepper';
import { useDraftAutosave, type SaveState } from './useDraftAutosave';
import { submitConfig, type WizardModel } from './model';
import type { Editable } from './conflictLogic';

export interface ServerErrors {
  message: string;
  fieldErrors?: Record<string, string>;
  inputErrors?: Record<string, string>;
}

export interface TestState {
  result: TestResult;
  /** The config the result is for: a result stops counting when the values change. */
  configKey: string;
}

export function Wizard({ initial, base }: { initial: WizardModel; base: DraftBase | null }) {
  const { online, subaccounts } = useApp();
  const [model, setModel] = useState(initial);
  // With a single subaccount there is nothing to choose.
  useEffect(() => {
    if (model.mode === 'create' && model.subAccountId === null && subaccounts.length === 1) setModel((m) => ({ ...m, subAccountId: subaccounts[0].id }));
  }, [model.mode, model.subAccountId, subaccounts]);
  const [dirty, setDirty] = useState(false);
  // A resumed draft opens on its form: the user has read the overview already.
  const [step, setStep] = useState(initial.draftId || initial.mode === 'edit' ? 1 : 0);
  const [maxReached, setMaxReached] = useState(step);
  const [serverErrors, setServerErrors] = useState<ServerErrors | null>(null);
  const [test, setTest] = useState<TestState | null>(null);
  const formRef = useRef<Form>(null);

  const onDraftId = useCallback((id: string) => setModel((m) => ({ ...m, draftId: id })), []);
  const autosave = useDraftAutosave(model, dirty, onDraftId);

  const update = useCallback((patch: Partial<WizardModel>) => {
    setModel((m) => ({ ...m, ...patch }));
    setDirty(true);
  }, []);
  const go = (s: number) => {
    setStep(s);
    setMaxReached((m) => Math.max(m, s));
  };

  // The version the edit started from, for the three-way conflict view.
  const startedFrom = useMemo<Editable | null>(
    () => (base ? { name: base.name, description: base.description, config: base.config } : initial.mode === 'edit' && !initial.draftId ? { name: initial.name, description: initial.description || null, config: submitConfig(initial) } : null),
    [base, initial],
  );

  const t = model.template;
  const title = model.mode === 'edit' ? `Edit ${initial.name}` : `Set up ${t.displayName}`;

  return (
    <div className="page wizard">
      <PageHeader
        back={
          <a className="btn btn-ghost btn-icon" href={hrefOf(model.mode === 'edit' && model.integrationId ? `/integrations/${model.integrationId}` : '/catalog')} aria-label="Back">
            <Icon name="chevronLeft" />
          </a>
        }
        title={
          <span className="row">
            <TemplateIcon icon={t.icon} name={t.displayName} size={28} /> {title}
          </span>
        }
        actions={<DraftStatus state={autosave.state} draftId={model.draftId} />}
      />
      <Stepper step={step} maxReached={maxReached} onGo={go} />
      {model.lost.length ? (
        <Notice kind="warning" title="Type the secrets again">
          This draft's {model.lost.join(', ')} could not be kept (credentials are stored in memory only), so type {model.lost.length === 1 ? 'it' : 'them'} again.
        </Notice>
      ) : null}
      <div className="wizard-body card">
        {step === 0 ? (
          <section className="card-body" aria-labelledby="step-overview">
            <h2 id="step-overview" className="sr-only">Overview and requirements</h2>
            <p className="lead">{t.description}</p>
            <Instructions source={t.setupInstructions} />
            <div className="wizard-nav">
              <div className="spacer" />
              <button type="button" className="btn btn-primary" onClick={() => go(1)}>
                Start <Icon name="chevronRight" size={14} />
              </button>
            </div>
          </section>
        ) : null}
        {step === 1 ? (
          <StepConfigure
            model={model}
            update={update}
            formRef={formRef}
            serverErrors={serverErrors}
            onBack={() => go(0)}
            onNext={() => {
              setServerErrors(null);
              go(2);
            }}
          />
        ) : null}
        {step === 2 ? (
          <StepTest
            model={model}
            online={online}
            test={test}
            setTest={setTest}
            onFieldErrors={(e) => {
              setServerErrors(e);
              go(1);
            }}
            onBack={() => go(1)}
            onNext={() => go(3)}
          />
        ) : null}
        {step === 3 ? (
          <StepActivate
            model={model}
            online={online}
            test={test}
            startedFrom={startedFrom}
            flush={(m) => autosave.flush(m)}
            setModel={(m) => setModel(m)}
            onServerErrors={(e) => {
              setServerErrors(e);
              go(1);
            }}
            onBack={() => go(2)}
          />
        ) : null}
      </div>
    </div>
  );
}

function DraftStatus({ state, draftId }: { state: SaveState; draftId: string | null }) {
  let text: React.ReactNode = draftId ? 'Draft kept' : 'Not saved yet';
  if (state.kind === 'saving') text = 'Saving draft…';
  if (state.kind === 'saved') text = `Draft saved ${clockTime(state.at)}`;
  if (state.kind === 'failed') text = <span className="text-danger">Draft not saved: {state.message}</span>;
  return (
    <span className="draft-status muted small" role="status" aria-live="polite">
      <Icon name="drafts" size={13} /> {text}
    </span>
  );
}
