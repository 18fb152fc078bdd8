import type { NewEventRow } from '../store/events-repo.js';
import type { Store } from '../store/store.js';

/** A bare event row of `type` about `subject`, for tests that only need rows written. */
export const testEvent = (type: string, subject: string): NewEventRow => ({
  time: Date.now(),
  type,
  subject_kind: 'vm',
  subject_id: subject,
  actor: null,
  operation_id: null,
  data: '{}',
  tenant_id: null,
});

/** The subjects of the committed events of `type` whose subject starts with `prefix`, sorted. */
export const committedSubjects = async (store: Store, type: string, prefix: string) =>
  (await store.events.list({ after: 0, limit: 1000, type }))
    .map((e) => e.subject_id)
    .filter((s) => s.startsWith(prefix))
    .sort();
