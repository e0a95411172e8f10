import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { loctelli } from '../../api/bridge';
import { describeError } from '../../api/errors';
import { keys } from '../../api/queries';
import { draftInputOf, type WizardModel } from './model';

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'failed'; message: string };

const DELAY_MS = 600;

/**
 * Autosaves what the user types as an offline draft (main writes it atomically and encrypts secrets),
 * a moment after typing stops. `flush()` saves now and returns the draft id (before submitting).
 */
export function useDraftAutosave(model: WizardModel | null, dirty: boolean, onDraftId: (id: string) => void) {
  const qc = useQueryClient();
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const latest = useRef(model);
  latest.current = model;
  const inFlight = useRef<Promise<string | null> | null>(null);

  const save = useCallback(async (explicit?: WizardModel): Promise<string | null> => {
    // Serialize saves so an older one never lands after a newer one.
    if (inFlight.current) await inFlight.current.catch(() => null);
    const m = explicit ?? latest.current;
    if (!m) return null;
    const run = (async () => {
      setState({ kind: 'saving' });
      try {
        const d = await loctelli().drafts.save(draftInputOf(m));
        if (d.id !== m.draftId) onDraftId(d.id);
        setState({ kind: 'saved', at: d.updatedAt });
        void qc.invalidateQueries({ queryKey: keys.drafts });
        return d.id;
      } catch (err) {
        setState({ kind: 'failed', message: describeError(err) });
        return null;
      }
    })();
    inFlight.current = run;
    try {
      return await run;
    } finally {
      if (inFlight.current === run) inFlight.current = null;
    }
  }, [onDraftId, qc]);

  // Keyed by content, not identity: the form hands back new objects for equal values, which must not keep
  // postponing the save.
  const contentKey = model ? JSON.stringify({ ...draftInputOf(model), id: undefined }) : '';
  const pending = useRef(false);
  useEffect(() => {
    if (!dirty || !model) return;
    pending.current = true;
    const t = setTimeout(() => {
      pending.current = false;
      void save();
    }, DELAY_MS);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dirty, contentKey]);
  // Leaving the wizard right after typing must not lose the last keystrokes.
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(
    () => () => {
      if (pending.current) void saveRef.current();
    },
    [],
  );

  return { state, flush: save };
}
