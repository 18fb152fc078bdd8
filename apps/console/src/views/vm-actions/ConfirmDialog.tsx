import { ActionForm } from '../ActionForm.js';
import { useSubmit } from '../use-submit.js';

/** An action that only needs a yes: the question, what it does, and the button. */
export function ConfirmDialog(props: {
  title: string;
  text: string;
  submitLabel: string;
  send: (body: Record<string, never>) => Promise<unknown>;
  onClose: () => void;
}) {
  const { busy, error, submit } = useSubmit();
  return (
    <ActionForm
      title={props.title}
      submitLabel={props.submitLabel}
      danger
      busy={busy}
      error={error}
      onSubmit={() => void submit(() => props.send({}))}
      onClose={props.onClose}
    >
      <p>{props.text}</p>
    </ActionForm>
  );
}
