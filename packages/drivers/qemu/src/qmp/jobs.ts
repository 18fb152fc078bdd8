import type { QmpClient } from './client.js';

interface JobInfo {
  id: string;
  status: string;
  error?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A QMP background job ended with an error (its `error` text from query-jobs). */
export class JobError extends Error {
  constructor(
    readonly jobId: string,
    readonly reason: string,
  ) {
    super(`job ${jobId}: ${reason}`);
    this.name = 'JobError';
  }
}

/**
 * Starts a QMP command that runs as a job (snapshot-save, snapshot-load, snapshot-delete),
 * polls query-jobs until it concludes, dismisses it and reports its error, if any.
 */
export async function runJob(
  qmp: QmpClient,
  command: string,
  args: Record<string, unknown> & { 'job-id': string },
  timeoutMs = 120_000,
): Promise<void> {
  const jobId = args['job-id'];
  await qmp.execute(command, args);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await qmp.execute<JobInfo[]>('query-jobs');
    const job = jobs.find((j) => j.id === jobId);
    if (!job) throw new JobError(jobId, 'the job vanished');
    if (job.status === 'concluded' || job.status === 'null') {
      await qmp.execute('job-dismiss', { id: jobId }).catch(() => undefined);
      if (job.error) throw new JobError(jobId, job.error);
      return;
    }
    if (Date.now() > deadline) {
      await qmp.execute('job-cancel', { id: jobId }).catch(() => undefined);
      throw new JobError(jobId, `not finished within ${timeoutMs} ms`);
    }
    await sleep(20);
  }
}
