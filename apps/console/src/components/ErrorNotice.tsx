import type { ErrorView } from '../logic/errors.js';

/** An API error, explained: for NoCapacity, why each host said no. */
export function ErrorNotice({ error }: { error: ErrorView }) {
  const nc = error.noCapacity;
  return (
    <div class="error-notice" role="alert">
      <p class="error-title">
        <strong>{error.title}</strong> <code class="error-code">{error.code}</code>
      </p>
      <p class="error-message">{error.message}</p>
      {error.issues.length > 0 && (
        <ul class="error-issues">
          {error.issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
      {nc && (
        <div class="no-capacity">
          {nc.rejectedBy.length > 0 && (
            <p>
              Hosts rejected by:{' '}
              {nc.rejectedBy.map(([filter, n], i) => (
                <span key={filter}>
                  {i > 0 ? ', ' : ''}
                  <code>{filter}</code> {n}
                </span>
              ))}
            </p>
          )}
          {nc.hosts.length > 0 && (
            <div class="table-wrap">
              <table class="compact">
                <caption>Why each host said no</caption>
                <thead>
                  <tr>
                    <th scope="col">Host</th>
                    <th scope="col">Reasons</th>
                  </tr>
                </thead>
                <tbody>
                  {nc.hosts.map((h) => (
                    <tr key={h.id}>
                      <th scope="row">{h.name}</th>
                      <td>
                        <ul class="reasons">
                          {h.reasons.map((r, i) => (
                            <li key={i}>
                              <code>{r.filter}</code>: {r.message}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {nc.totalHosts > nc.hosts.length && (
            <p class="muted">
              {nc.totalHosts - nc.hosts.length} more hosts are not listed; these came closest.
            </p>
          )}
        </div>
      )}
      {error.details.length > 0 && (
        <dl class="error-details">
          {error.details.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
