import { ApiError, type Prices, type RateCard, type RatePeriod } from '@gridplane/api';

/** Prices when no rate card is set: one period over the whole day. */
export const DEFAULT_RATE_CARD: RateCard = {
  class: '*',
  periods: [
    {
      name: 'standard',
      fromHour: 0,
      toHour: 24,
      prices: {
        vcpuHour: 0.02,
        memoryGiBHour: 0.005,
        diskGiBHour: 0.0002,
        snapshotGiBHour: 0.0001,
        networkGiB: 0.01,
      },
    },
  ],
};

/** The hours of the day (UTC) a period covers. */
function hoursOf(p: RatePeriod): number[] {
  if (p.fromHour === p.toHour) return [];
  const out: number[] = [];
  for (let h = p.fromHour; h !== p.toHour % 24 || out.length === 0; h = (h + 1) % 24) {
    out.push(h);
  }
  return out;
}

/** ValidationFailed unless the periods cover each hour of the day exactly once. */
export function checkPeriods(periods: readonly RatePeriod[]): void {
  const owner = new Array<string | undefined>(24);
  const names = new Set<string>();
  for (const p of periods) {
    if (names.has(p.name))
      throw new ApiError('ValidationFailed', `two rate periods are named '${p.name}'`, {
        period: p.name,
      });
    names.add(p.name);
    const hours = hoursOf(p);
    if (hours.length === 0)
      throw new ApiError('ValidationFailed', `rate period '${p.name}' covers no hour`, {
        period: p.name,
      });
    for (const h of hours) {
      if (owner[h] !== undefined) {
        throw new ApiError(
          'ValidationFailed',
          `rate periods '${owner[h]}' and '${p.name}' overlap at ${h}:00 UTC`,
          { hour: h, periods: [owner[h], p.name] },
        );
      }
      owner[h] = p.name;
    }
  }
  const uncovered = [...owner.keys()].filter((h) => owner[h] === undefined);
  if (uncovered.length)
    throw new ApiError(
      'ValidationFailed',
      `no rate period covers hours ${uncovered.join(', ')} UTC`,
      {
        hours: uncovered,
      },
    );
}

/** A rate card as a lookup: the period (name and prices) of each hour of the day. */
export class HourlyRates {
  private readonly byHour: { name: string; prices: Prices }[] = [];

  constructor(card: RateCard) {
    for (const p of card.periods) for (const h of hoursOf(p)) this.byHour[h] = p;
  }

  at(ms: number): { name: string; prices: Prices } {
    return this.byHour[new Date(ms).getUTCHours()]!;
  }
}
