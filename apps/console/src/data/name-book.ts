import type { Event, Host, Vm } from '@gridplane/api';

/**
 * The names of VMs and hosts the console has seen (in reads and in `vm.created` events), so
 * events and operations can name their subjects; an unknown one is shown by its id.
 */
export class NameBook {
  private readonly names = new Map<string, string>();

  remember(items: readonly (Vm | Host)[]): void {
    for (const item of items) this.names.set(item.id, item.name);
  }

  learn(e: Event): void {
    if (e.type === 'vm.created' && typeof e.data.name === 'string')
      this.names.set(e.subject.id, e.data.name);
  }

  name(id: string): string {
    return this.names.get(id) ?? id;
  }
}
