import { useState } from 'react';
import type { WidgetProps } from '@rjsf/utils';
import { Icon } from '../../components/Icon';

/**
 * The input of a `writeOnly` config field: masked while typing with a show/hide toggle; when a value is
 * already stored (editing, or a resumed draft) it starts empty and says that leaving it empty keeps it.
 * Long secrets (a JSON key file) get a masked multi-line box.
 */
export function SecretWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, disabled, readonly, required, options, rawErrors, label } = props;
  const [shown, setShown] = useState(false);
  const stored = options.stored === true;
  const multiline = options.multiline === true;
  const placeholder = stored ? 'Stored — leave empty to keep' : multiline ? 'Paste the whole value' : '';
  const invalid = !!rawErrors?.length;
  const common = {
    id,
    name: id,
    value: typeof value === 'string' ? value : '',
    disabled: disabled || readonly,
    required: required && !stored,
    placeholder,
    autoComplete: 'off',
    spellCheck: false,
    'aria-invalid': invalid || undefined,
    'aria-describedby': stored ? `${id}__stored` : undefined,
    onBlur: (e: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => onBlur(id, e.target.value),
    onFocus: (e: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => onFocus(id, e.target.value),
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange(e.target.value === '' ? undefined : e.target.value),
  };
  return (
    <div className="secret">
      <div className="input-group">
        {multiline ? (
          <textarea {...common} className={`textarea secret-area${shown ? '' : ' masked'}`} rows={4} />
        ) : (
          <input {...common} className="input" type={shown ? 'text' : 'password'} />
        )}
        <button
          type="button"
          className="btn btn-icon"
          aria-label={shown ? `Hide ${label}` : `Show ${label}`}
          aria-pressed={shown}
          aria-controls={id}
          onClick={() => setShown((s) => !s)}
        >
          <Icon name={shown ? 'eyeOff' : 'eye'} size={15} />
        </button>
      </div>
      {stored ? (
        <div className="hint secret-stored" id={`${id}__stored`}>
          <Icon name="key" size={12} /> A value is stored. Leave empty to keep it, or type a new one to replace it.
        </div>
      ) : null}
    </div>
  );
}
