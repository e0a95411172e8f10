import { useEffect, useState } from 'react';
import { loctelli } from '../../api/bridge';
import { describeError, toIpcError } from '../../api/errors';
import { Notice, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { secretFieldsOf } from '../../../../shared/secret-fields';
import { usesStoredSecret } from './configLogic';
import { submitConfig, type WizardModel } from './model';
import { TestResultView } from './TestResultView';
import type { ServerErrors, TestState } from './Wizard';

export function OfflineWait({ what }: { what: string }) {
  return (
    <Notice kind="warning" title="Waiting for a connection">
      {what} needs the integrations server, which cannot be reached right now. Your values are kept as a draft: come back to this step, or
      submit it from <strong>Drafts</strong>, once you are online again.
    </Notice>
  );
}

/** Step 3: tests the unsaved config against the provider (test-before-save) and says what was reached. */
export function StepTest({
  model,
  online,
  test,
  setTest,
  onFieldErrors,
  onBack,
  onNext,
}: {
  model: WizardModel;
  online: boolean;
  test: TestState | null;
  setTest(t: TestState | null): void;
  onFieldErrors(e: ServerErrors): void;
  onBack(): void;
  onNext(): void;
}) {
  const config = submitConfig(model);
  const configKey = JSON.stringify(config);
  const current = test && test.configKey === configKey ? test.result : null;
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A stored secret is only known to the server (or the draft): the saved integration is tested after saving.
  const deferred = usesStoredSecret(config);
  const storedNames = secretFieldsOf(model.template.configSchema).filter((s) => model.stored.includes(s) && !model.formData[s]);

  const run = async () => {
    setRunning(true);
    setError(null);
    try {
      const result = await loctelli().integrations.testConfig(model.template.id, config);
      setTest({ result, configKey });
    } catch (err) {
      const e = toIpcError(err);
      if (e.code === 'validation' && (e.fieldErrors || e.inputErrors)) onFieldErrors({ message: e.message, fieldErrors: e.fieldErrors, inputErrors: e.inputErrors });
      else setError(describeError(e));
    } finally {
      setRunning(false);
    }
  };

  useEffect(() => {
    if (online && !deferred && !current && !running) void run();
    // Run once when the step opens (or comes back online) with untested values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [online]);

  return (
    <section className="card-body" aria-labelledby="step-test" aria-busy={running}>
      <h2 id="step-test" className="step-title">Connection test</h2>
      {!online ? <OfflineWait what="Testing the connection" /> : null}
      {online && deferred ? (
        <Notice kind="info" title="Tested after saving">
          The stored {storedNames.join(', ') || 'secret'} is never sent back to this console, so this configuration is tested with it right after it is saved (next step). Type a
          new value in Configuration to test before saving.
        </Notice>
      ) : null}
      {online && !deferred ? (
        <div className="test-panel">
          {running ? (
            <div className="row test-running" role="status">
              <Spinner label="Testing" /> Contacting {model.template.displayName}…
            </div>
          ) : null}
          {!running && current ? <TestResultView result={current} /> : null}
          {!running && error ? <Notice kind="error" title="The test could not run">{error}</Notice> : null}
          {!running && !current && !error ? <p className="muted">Test the connection with the values you entered.</p> : null}
        </div>
      ) : null}
      <div className="wizard-nav">
        <button type="button" className="btn" onClick={onBack}>
          <Icon name="chevronLeft" size={14} /> Back to configuration
        </button>
        <div className="spacer" />
        {online && !deferred ? (
          <button type="button" className="btn" onClick={() => void run()} disabled={running}>
            <Icon name="refresh" size={14} /> {current ? 'Test again' : 'Test connection'}
          </button>
        ) : null}
        {online && ((current && !current.ok) || (!running && !current && error)) ? (
          <button type="button" className="btn" onClick={onNext} title="Save without a working connection; it stays Pending">
            Continue anyway
          </button>
        ) : null}
        <button type="button" className="btn btn-primary" disabled={!online || running || (!deferred && !current?.ok)} onClick={onNext}>
          Next: confirm <Icon name="chevronRight" size={14} />
        </button>
      </div>
    </section>
  );
}
