import type { ComponentChildren } from 'preact';
import { Dialog } from '../components/Dialog.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import type { ErrorView } from '../logic/errors.js';

/** A dialog holding one action's form: its fields, the API's error, Cancel and the action. */
export function ActionForm(props: {
  title: string;
  submitLabel: string;
  danger?: boolean;
  busy: boolean;
  error: ErrorView | null;
  submitDisabled?: boolean;
  onSubmit: () => void;
  onClose: () => void;
  children?: ComponentChildren;
}) {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form
        class="dialog-body"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        {props.children}
        {props.error && <ErrorNotice error={props.error} />}
        <div class="dialog-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            class={props.danger ? 'danger' : 'primary'}
            disabled={props.busy || props.submitDisabled}
          >
            {props.busy ? 'Working…' : props.submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
