import type { Event } from '@gridplane/api';
import { clock } from '../logic/format.js';
import { describeEvent, isFailureEvent } from '../logic/event-text.js';
import { hrefOf } from '../route.js';

/** Events, newest first: when, what, about what, by whom. */
export function EventTable(props: {
  events: Event[];
  subjectName: (kind: string, id: string) => string;
  hostName: (id: string) => string;
  now: number;
  caption: string;
  showSubject?: boolean;
}) {
  const subjectLink = (e: Event) => {
    const name = props.subjectName(e.subject.kind, e.subject.id);
    if (e.subject.kind === 'vm' || e.subject.kind === 'host')
      return <a href={hrefOf({ view: e.subject.kind, id: e.subject.id })}>{name}</a>;
    return name;
  };
  return (
    <div class="table-wrap">
      <table class="event-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            {props.showSubject !== false && <th scope="col">Subject</th>}
            <th scope="col">What happened</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((e) => (
            <tr key={e.id} class={isFailureEvent(e) ? 'failure' : undefined} data-event={e.type}>
              <td>
                <time dateTime={e.time}>{clock(e.time, props.now)}</time>
              </td>
              <td class="mono">{e.type}</td>
              {props.showSubject !== false && <td>{subjectLink(e)}</td>}
              <td>{describeEvent(e, props.hostName)}</td>
              <td class="muted">{e.actor ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
