import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/** A labelled control with its hint and its error beside it (`aria-describedby` ties them together). */
export function Field({
  label,
  error,
  hint,
  required,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A modal dialog on the native `<dialog>` (focus is kept inside, Escape closes it). */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="link" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {children}
    </dialog>
  );
}

/** Copies a value to the clipboard and says so. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [done, setDone] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setDone('Copied');
    } catch {
      setDone('Copy failed: select the text and copy it');
    }
  };
  return (
    <>
      <button type="button" onClick={copy} aria-label={label}>
        Copy
      </button>
      <span role="status" className="hint">
        {done}
      </span>
    </>
  );
}

/** A read-only value with a copy button, labelled for screen readers. */
export function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <Field label={label}>
      {(p) => (
        <div className="copy-row">
          <input {...p} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton value={value} label={`Copy ${label}`} />
        </div>
      )}
    </Field>
  );
}

/** A status line that screen readers announce when it changes. */
export function Status({ children, tone }: { children: ReactNode; tone?: 'ok' | 'error' }) {
  if (!children) return null;
  return (
    <p role="status" className={tone === 'error' ? 'status status-error' : 'status status-ok'}>
      {children}
    </p>
  );
}
