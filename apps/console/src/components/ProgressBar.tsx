/** An operation's progress: a bar with its percentage and the step it is at. */
export function ProgressBar({ percent, label }: { percent: number; label: string }) {
  return (
    <div
      class="bar progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div class="bar-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
