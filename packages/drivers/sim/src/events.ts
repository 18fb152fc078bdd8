import type { VmEventReport } from '@gridplane/api';

export type EventListener = (event: VmEventReport) => void;

/**
 * onEvent's listeners. Reports are delivered after the change is committed, each listener
 * on its own microtask, so a listener cannot interfere with the driver or other listeners.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    const entry: EventListener = (e) => listener(e);
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  emit(event: VmEventReport): void {
    for (const listener of this.listeners) {
      queueMicrotask(() => {
        try {
          listener(event);
        } catch (e) {
          process.emitWarning(`sim driver: an onEvent listener threw: ${String(e)}`);
        }
      });
    }
  }
}
