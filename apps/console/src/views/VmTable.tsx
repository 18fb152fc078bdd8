import type { Vm } from '@gridplane/api';
import { StateBadge } from '../components/StateBadge.js';
import { clock, sizeSummary } from '../logic/format.js';
import { hrefOf } from '../route.js';

/** VMs, one row each, linking to each VM and its host. */
export function VmTable(props: {
  vms: Vm[];
  hostName: (id: string) => string;
  now: number;
  caption: string;
}) {
  return (
    <div class="table-wrap">
      <table class="vm-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Host</th>
            <th scope="col">Size</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {props.vms.map((vm) => (
            <tr key={vm.id} data-vm={vm.name}>
              <th scope="row">
                <a href={hrefOf({ view: 'vm', id: vm.id })}>{vm.name}</a>
                <div class="muted mono">{vm.id}</div>
              </th>
              <td>
                <StateBadge state={vm.state} task={vm.task} />
              </td>
              <td>
                {vm.hostId ? (
                  <a href={hrefOf({ view: 'host', id: vm.hostId })}>{props.hostName(vm.hostId)}</a>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td>
                {vm.instanceType && <div>{vm.instanceType}</div>}
                <div class={vm.instanceType ? 'muted' : undefined}>{sizeSummary(vm.resources)}</div>
              </td>
              <td>{clock(vm.createdAt, props.now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
