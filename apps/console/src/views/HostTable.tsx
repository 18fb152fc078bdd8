import type { Host } from '@gridplane/api';
import { StateBadge } from '../components/StateBadge.js';
import { UsageBar } from '../components/UsageBar.js';
import { hostUsage } from '../logic/capacity.js';
import { ago } from '../logic/format.js';
import { hrefOf } from '../route.js';
import { HostActions } from './HostActions.js';

/** The hosts: state, hypervisor, allocation per resource, VMs, heartbeat and actions. */
export function HostTable({ hosts, now }: { hosts: Host[]; now: number }) {
  return (
    <div class="table-wrap">
      <table class="host-table">
        <caption class="visually-hidden">Hosts</caption>
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">State</th>
            <th scope="col">Hypervisor</th>
            <th scope="col">Allocation</th>
            <th scope="col">VMs</th>
            <th scope="col">Heartbeat</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((h) => (
            <tr key={h.id} data-host={h.name}>
              <th scope="row">
                <a href={hrefOf({ view: 'host', id: h.id })}>{h.name}</a>
                <div class="muted mono">{h.id}</div>
              </th>
              <td>
                <StateBadge state={h.state} />
              </td>
              <td>
                <div>{h.hypervisor.kind}</div>
                <div class="muted">
                  {h.hypervisor.vendor} {h.hypervisor.version} · {h.driver}
                </div>
              </td>
              <td class="usage-cell">
                {hostUsage(h).map((u) => (
                  <UsageBar key={u.key} usage={u} subject={h.name} />
                ))}
              </td>
              <td class="number">{h.vmCount}</td>
              <td>{h.lastHeartbeatAt ? ago(h.lastHeartbeatAt, now) : 'never'}</td>
              <td>
                <HostActions host={h} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
