import type { ResourceUsage } from '../logic/capacity.js';
import { RESOURCES } from '../logic/format.js';

/** One resource's allocation as a labelled bar (an ARIA meter). */
export function UsageBar({ usage, subject }: { usage: ResourceUsage; subject: string }) {
  const { label, format } = RESOURCES[usage.key];
  const text = `${format(usage.allocated)} of ${format(usage.allocatable)}`;
  const overcommit =
    usage.overcommit !== 1
      ? `${format(usage.capacity)} × ${Math.round(usage.overcommit * 100) / 100} overcommit`
      : null;
  return (
    <div class="usage">
      <div class="usage-label">
        <span>{label}</span>
        <span class="usage-amount" title={overcommit ?? undefined}>
          {text}
        </span>
      </div>
      <div
        class="bar"
        role="meter"
        aria-label={`${label} allocated on ${subject}`}
        aria-valuemin={0}
        aria-valuemax={usage.allocatable}
        aria-valuenow={usage.allocated}
        aria-valuetext={`${text} (${Math.round(usage.fraction * 100)} %)`}
      >
        <div
          class={`bar-fill level-${usage.level}`}
          style={{ width: `${Math.min(100, usage.fraction * 100)}%` }}
        />
      </div>
    </div>
  );
}
