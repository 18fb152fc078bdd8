import type { Notice } from '../app-context.js';

/** The messages at the top of the page; errors stay until dismissed. */
export function Notices(props: { notices: Notice[]; onDismiss: (id: number) => void }) {
  return (
    <div class="notices" aria-live="polite">
      {props.notices.map((n) => (
        <div
          key={n.id}
          class={`notice notice-${n.kind}`}
          role={n.kind === 'error' ? 'alert' : 'status'}
        >
          <span>
            {n.text}
            {n.link && (
              <>
                {' '}
                <a href={n.link.href}>{n.link.label}</a>
              </>
            )}
          </span>
          <button
            type="button"
            class="icon-button"
            aria-label="Dismiss"
            onClick={() => props.onDismiss(n.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
