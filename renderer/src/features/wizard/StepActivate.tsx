import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Integration } from '../../../../shared/api/integrations';
import { secretFieldsOf } from '../../../../shared/secret-fields';
import { loctelli } from '../../api/bridge';
import { describeError, toIpcError } from '../../api/errors';
import { markSyncStarted, syncProgress, toast } from '../../api/live';
import { invalidateIntegrations, keys } from '../../api/queries';
import { Notice, ProgressBar, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { StatusBadge } from '../../components/StatusBadge';
import { humanize } from '../../lib/format';
import { hrefOf, navigate } from '../../lib/router';
import { useStore } from '../../lib/store';
import { useApp } from '../../shell/AppContext';
import { splitStoredSecrets, usesStoredSecret } from './configLogic';
import { ConflictView } from './ConflictView';
import type { Editable } from './conflictLogic';
import { submitConfig, type WizardModel } from './model';
import { OfflineWait } from './StepTest';
import { TestResultView } from './TestResultView';
import type { ServerErrors, TestState } from './Wizard';

type TaskState = 'todo' | 'running' | 'done' | 'failed' | 'skipped';
interface Tasks {
  save: TaskState;
  test: TaskState;
  activate: TaskState;
  sync: TaskState;
}
const TASK_LABEL: Record<keyof Tasks, string> = { save: 'Save', test: 'Test the saved connection', activate: 'Activate', sync: 'First sync' };

/** Step 4: review, then save (through the draft), test if needed, activate and optionally sync. */
export function StepActivate({
  model,
  online,
  test,
  startedFrom,
  flush,
  setModel,
  onServerErrors,
  onBack,
}: {
  model: WizardModel;
  online: boolean;
  test: TestState | null;
  startedFrom: Editable | null;
  flush(m?: WizardModel): Promise<string | null>;
  setModel(m: WizardModel): void;
  onServerErrors(e: ServerErrors): void;
  onBack(): void;
}) {
  const qc = useQueryClient();
  const { session, subaccountName } = useApp();
  const config = submitConfig(model);
  const tested = !!test && test.configKey === JSON.stringify(config) && test.result.ok;
  const [activate, setActivate] = useState(tested || usesStoredSecret(config));
  const [firstSync, setFirstSync] = useState(true);
  const [tasks, setTasks] = useState<Tasks | null>(null);
  const [saved, setSaved] = useState<Integration | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Integration | null>(null);
  const [postTest, setPostTest] = useState<TestState['result'] | null>(null);
  const live = useStore(syncProgress, (s) => (saved ? s[saved.id] : undefined));
  const busy = !!tasks && Object.values(tasks).includes('running');

  const set = (k: keyof Tasks, v: TaskState) => setTasks((t) => ({ ...(t ?? { save: 'todo', test: 'todo', activate: 'todo', sync: 'todo' }), [k]: v }));

  const save = async (m: WizardModel): Promise<Integration | null> => {
    // Through the draft: it holds the typed secrets encrypted, and a failed submit keeps it.
    const draftId = await flush(m);
    if (draftId) return loctelli().drafts.submit(draftId);
    // Drafts unavailable (credential storage refused): send the typed values directly.
    const body = { name: m.name, description: m.description.trim() ? m.description : null, config: submitConfig(m) };
    return m.mode === 'edit'
      ? loctelli().integrations.update(m.integrationId!, { version: m.baseVersion!, ...body })
      : loctelli().integrations.create({ subAccountId: m.subAccountId!, integrationTemplateId: m.template.id, ...body });
  };

  const run = async (m = model) => {
    setFailure(null);
    setConflict(null);
    setTasks({ save: 'running', test: tested ? 'skipped' : 'todo', activate: activate ? 'todo' : 'skipped', sync: activate && firstSync ? 'todo' : 'skipped' });
    let integration: Integration;
    try {
      const r = await save(m);
      if (!r) throw { code: 'internal', message: 'Nothing was saved' };
      integration = r;
      setSaved(r);
      set('save', 'done');
      invalidateIntegrations(qc, r.id);
      void qc.invalidateQueries({ queryKey: keys.drafts });
    } catch (err) {
      const e = toIpcError(err);
      set('save', 'failed');
      if (e.code === 'conflict' && e.current) setConflict(e.current as Integration);
      else if (e.code === 'validation') onServerErrors({ message: e.message, fieldErrors: e.fieldErrors, inputErrors: e.inputErrors });
      else setFailure(describeError(e));
      return;
    }
    let ok = tested;
    if (!tested) {
      set('test', 'running');
      try {
        const result = await loctelli().integrations.test(integration.id);
        setPostTest(result);
        ok = result.ok;
        set('test', result.ok ? 'done' : 'failed');
      } catch (err) {
        set('test', 'failed');
        setFailure(describeError(err));
      }
    }
    if (activate) {
      if (!ok) {
        set('activate', 'skipped');
        set('sync', 'skipped');
      } else {
        set('activate', 'running');
        try {
          integration = await loctelli().integrations.activate(integration.id);
          setSaved(integration);
          set('activate', 'done');
        } catch (err) {
          set('activate', 'failed');
          set('sync', 'skipped');
          setFailure(`Saved, but not activated: ${describeError(err)}`);
          invalidateIntegrations(qc, integration.id);
          return;
        }
        if (firstSync) {
          set('sync', 'running');
          try {
            const started = await loctelli().integrations.sync(integration.id);
            markSyncStarted(integration.id, started.syncRunId, session.profile.id);
            set('sync', 'done');
          } catch (err) {
            set('sync', 'failed');
            const e = toIpcError(err);
            setFailure(e.code === 'not_available' ? 'This server cannot run syncs yet.' : `Activated, but the first sync did not start: ${describeError(e)}`);
          }
        }
      }
    }
    invalidateIntegrations(qc, integration.id);
    toast('success', model.mode === 'edit' ? 'Integration saved' : 'Integration set up', integration.name);
  };

  const resolveConflict = (resolved: Editable, version: number) => {
    const { formData, stored } = splitStoredSecrets(model.template.configSchema, resolved.config);
    const next: WizardModel = { ...model, name: resolved.name, description: resolved.description ?? '', formData, stored, baseVersion: version };
    setModel(next);
    void run(next);
  };
  const keepTheirs = async () => {
    if (model.draftId) await loctelli().drafts.discard(model.draftId).catch(() => {});
    void qc.invalidateQueries({ queryKey: keys.drafts });
    navigate(`/integrations/${model.integrationId}`);
  };

  if (!online && !tasks) {
    return (
      <section className="card-body" aria-labelledby="step-activate">
        <h2 id="step-activate" className="step-title">Confirm and activate</h2>
        <OfflineWait what="Saving and activating" />
        <div className="wizard-nav">
          <button type="button" className="btn" onClick={onBack}>
            <Icon name="chevronLeft" size={14} /> Back
          </button>
        </div>
      </section>
    );
  }

  const secrets = new Set(secretFieldsOf(model.template.configSchema));
  const props = (model.template.configSchema.properties ?? {}) as Record<string, { title?: string }>;
  const liveRun = live && saved && live.integrationId === saved.id ? live : null;
  const syncDone = liveRun?.finished;

  return (
    <section className="card-body" aria-labelledby="step-activate">
      <h2 id="step-activate" className="step-title">Confirm and activate</h2>
      {conflict ? (
        <ConflictView
          schema={model.template.configSchema}
          base={startedFrom}
          mine={{ name: model.name, description: model.description || null, config }}
          current={conflict}
          busy={busy}
          onResolve={resolveConflict}
          onKeepTheirs={() => void keepTheirs()}
          onCancel={onBack}
        />
      ) : (
        <div className="confirm-layout">
          <div>
            <dl className="props confirm-summary">
              {model.mode === 'create' ? (
                <>
                  <dt>Subaccount</dt>
                  <dd>{subaccountName(model.subAccountId)}</dd>
                </>
              ) : null}
              <dt>Name</dt>
              <dd>{model.name}</dd>
              {model.description ? (
                <>
                  <dt>Description</dt>
                  <dd>{model.description}</dd>
                </>
              ) : null}
              {Object.keys(props).map((k) => (
                <div key={k} className="contents">
                  <dt>{props[k].title ?? humanize(k)}</dt>
                  <dd className={secrets.has(k) ? 'mono' : undefined}>
                    {secrets.has(k) ? (config[k] === undefined ? <span className="muted">not set</span> : model.formData[k] ? '•••••••• (new)' : '•••••••• (stored)') : config[k] === undefined ? <span className="muted">—</span> : String(config[k])}
                  </dd>
                </div>
              ))}
              <dt>Connection</dt>
              <dd>{tested ? <span className="text-success">Tested OK</span> : usesStoredSecret(config) ? 'Tested right after saving' : <span className="text-warning">Not verified — it will stay Pending</span>}</dd>
            </dl>
            {!tasks ? (
              <div className="confirm-options">
                <label className="checkbox">
                  <input type="checkbox" checked={activate} onChange={(e) => setActivate(e.target.checked)} /> Activate now (scheduled syncs start)
                </label>
                <label className="checkbox">
                  <input type="checkbox" checked={activate && firstSync} disabled={!activate} onChange={(e) => setFirstSync(e.target.checked)} /> Start the first sync right away
                </label>
              </div>
            ) : null}
          </div>
          {tasks ? (
            <div className="tasks" aria-live="polite">
              <h3 className="section-title">Progress</h3>
              <ul className="task-list">
                {(Object.keys(TASK_LABEL) as (keyof Tasks)[]).map((k) => (
                  <li key={k} className={`task task-${tasks[k]}`}>
                    <TaskIcon state={tasks[k]} /> {TASK_LABEL[k]}
                    {tasks[k] === 'skipped' ? <span className="muted small"> — skipped</span> : null}
                  </li>
                ))}
              </ul>
              {postTest ? <TestResultView result={postTest} /> : null}
              {liveRun ? (
                <div className="sync-live">
                  <div className="row">
                    <strong>Sync {liveRun.status}</strong>
                    <span className="muted small">{liveRun.progress?.step ?? ''}</span>
                    <div className="spacer" />
                    {typeof liveRun.progress?.fetched === 'number' ? <span className="small">{liveRun.progress.fetched.toLocaleString()} records</span> : null}
                  </div>
                  {!syncDone ? <ProgressBar label="First sync progress" value={liveRun.progress?.fetched} total={liveRun.progress?.total} /> : null}
                  {syncDone && liveRun.status === 'failed' ? <Notice kind="error" title="The first sync failed">{liveRun.message}</Notice> : null}
                  {syncDone && liveRun.status !== 'failed' ? <Notice kind="success" title="First sync finished">Data is arriving: see the integration's Synced data tab.</Notice> : null}
                </div>
              ) : null}
            </div>
          ) : null}
        </div>
      )}
      {failure ? <Notice kind="error">{failure}</Notice> : null}
      {saved && !busy ? (
        <Notice kind="success" title={`${saved.name} is saved`} action={<a className="btn btn-primary" href={hrefOf(`/integrations/${saved.id}`)}>Open integration</a>}>
          Status: <StatusBadge status={saved.status} />
        </Notice>
      ) : null}
      {!conflict ? (
        <div className="wizard-nav">
          <button type="button" className="btn" onClick={onBack} disabled={busy || !!saved}>
            <Icon name="chevronLeft" size={14} /> Back
          </button>
          <div className="spacer" />
          {saved ? (
            <a className="btn" href={hrefOf('/catalog')}>
              Back to the catalog
            </a>
          ) : (
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run()}>
              {busy ? <Spinner label="Saving" /> : <Icon name="check" size={14} />} {activate ? (model.mode === 'edit' ? 'Save and activate' : 'Save and activate') : 'Save'}
            </button>
          )}
        </div>
      ) : null}
    </section>
  );
}

function TaskIcon({ state }: { state: TaskState }) {
  if (state === 'running') return <Spinner label="In progress" />;
  if (state === 'done') return <Icon name="check" className="text-success" label="Done" />;
  if (state === 'failed') return <Icon name="x" className="text-danger" label="Failed" />;
  return <span className="task-dot" aria-hidden="true" />;
}
