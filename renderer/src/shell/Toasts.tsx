import { dismissToast, toasts } from '../api/live';
import { Icon } from '../components/Icon';
import { useStore } from '../lib/store';

export function Toasts() {
  const list = useStore(toasts);
  return (
    <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <div className="toast-text">
            <strong>{t.title}</strong>
            {t.body ? <div>{t.body}</div> : null}
          </div>
          <button type="button" className="btn btn-ghost btn-sm btn-icon" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
