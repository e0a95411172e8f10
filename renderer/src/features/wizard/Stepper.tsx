import { Icon } from '../../components/Icon';

export const STEPS = ['Overview', 'Configuration', 'Connection test', 'Confirm and activate'] as const;

export function Stepper({ step, maxReached, onGo }: { step: number; maxReached: number; onGo(step: number): void }) {
  return (
    <ol className="stepper" aria-label="Setup steps">
      {STEPS.map((label, i) => {
        const state = i < step ? 'done' : i === step ? 'current' : 'todo';
        return (
          <li key={label} className={`step step-${state}`}>
            <button type="button" className="step-button" aria-current={i === step ? 'step' : undefined} disabled={i > maxReached || i === step} onClick={() => onGo(i)}>
              <span className="step-num" aria-hidden="true">
                {i < step ? <Icon name="check" size={12} /> : i + 1}
              </span>
              <span>{label}</span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
