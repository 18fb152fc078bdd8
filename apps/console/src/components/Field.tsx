import type { ComponentChildren } from 'preact';

/** The attributes a control needs to be described by its field's hint and error. */
export interface FieldAria {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}

/**
 * A labelled form control with its hint and its error, wired for screen readers: the
 * control is rendered by `children` with the attributes it must carry.
 */
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: (aria: FieldAria) => ComponentChildren;
}) {
  const { id, hint, error } = props;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  const aria: FieldAria = {
    id,
    ...(describedBy.length ? { 'aria-describedby': describedBy.join(' ') } : {}),
    ...(error ? { 'aria-invalid': true } : {}),
  };
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.children(aria)}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
