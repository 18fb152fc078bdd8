/** A state (of a VM, host or operation) as a coloured word; `task` shows an action under way. */
export function StateBadge({ state, task }: { state: string; task?: string | null }) {
  return (
    <span class="state">
      <span class={`badge state-${state}`}>{state}</span>
      {task ? <span class="task">{task}…</span> : null}
    </span>
  );
}
