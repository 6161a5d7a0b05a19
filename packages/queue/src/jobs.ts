import { FactorkitError } from '@factorkit/core';
import { FlowProducer, type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { type QueueConnection, connectRedis, connectionErrorReporter, maskQueueUrl } from './connection.js';
import type { ResolvedQueueNames } from './names.js';

/** What a queued run (a tracking run, a sweep) reports while it waits for its jobs. */
export type QueueRunEvent =
  /** The server checked: its version and persistence; `warning` when a restart of it would lose the run. */
  | { readonly kind: 'server'; readonly server: string; readonly version: string; readonly warning?: string }
  | { readonly kind: 'run'; readonly run: string; readonly server: string; readonly parent: 'new' | 'joined' | 'finished' }
  /** `label`: the series (`csi300 × momentum_1y`) or the variant (`variant csi300-te-003`). */
  | { readonly kind: 'job'; readonly label: string; readonly job: string; readonly status: 'enqueued' | 'reused' | 'retried' | 'waiting' }
  | { readonly kind: 'active'; readonly label: string; readonly job: string; readonly worker: string; readonly attempt: number }
  | { readonly kind: 'retry'; readonly label: string; readonly job: string; readonly attempt: number; readonly attempts: number; readonly error: string }
  /** A connection error (the client reconnects by itself: a restarted Redis resumes the run), masked. */
  | { readonly kind: 'error'; readonly error: string };

/** Counts of a queued run. */
export interface QueueRunCounts {
  /** The run's parent job id. */
  readonly run: string;
  /** Jobs of this run (series or variants). */
  readonly jobs: number;
  /** Added to the queue by this call. */
  readonly enqueued: number;
  /** Finished by an earlier call and reused as they were. */
  readonly reused: number;
  /** Failed earlier and put back in the queue. */
  readonly retried: number;
  /** Already waiting or running (an earlier call's) and waited on. */
  readonly joined: number;
}

/** {@link QueueRunCounts} as a run fills them in. */
export type MutableCounts = { -readonly [K in keyof QueueRunCounts]: QueueRunCounts[K] };

/** What {@link openJobRun} takes. */
export interface JobRunSetup {
  readonly connection: QueueConnection;
  readonly names: ResolvedQueueNames;
  /** Attempts per job (≥ 1). */
  readonly attempts: number;
  /** First retry delay in milliseconds, doubled at each attempt. Default 1,000. */
  readonly backoffMs?: number;
  /** How often the jobs waited on are read, besides the queue's events, in milliseconds. Default 1,000. */
  readonly pollMs?: number;
  /** The parent job: its deterministic id and its (small, plain) data. */
  readonly parent: { readonly id: string; readonly data: Readonly<Record<string, unknown>> };
  /** Filled in as jobs are submitted. */
  readonly counts: MutableCounts;
  readonly onQueueEvent?: (event: QueueRunEvent) => void;
}

/** An open run on the queue: submit jobs and wait for their results; close once everything is handed over. */
export interface JobRun {
  /**
   * Hand a job over and wait for its return value: a new job is added (under the run's parent),
   * a finished one is reused, a failed one is put back in the queue, a waiting or running one is
   * joined.
   *
   * @throws FactorkitError `FK_WORKER_FAILED` when the job failed on every attempt (with the
   *   worker's error), or vanished from the queue (a Redis server restarted without persistence).
   */
  submit(job: {
    readonly id: string;
    /** The BullMQ job name, also the noun of messages (`series`, `variant`). */
    readonly name: string;
    readonly data: unknown;
    /** What progress lines call it (`csi300 × momentum_1y`). */
    readonly label: string;
  }): Promise<unknown>;
  /** Release the parent (every job is handed over), stop waiting, close the connections. */
  close(): Promise<void>;
}

interface Waiter {
  readonly label: string;
  /** The job's name and label, as errors name it (`series csi300 × momentum_1y`). */
  readonly subject: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  attemptsSeen: number;
  active: boolean;
}

/**
 * Open a run on the queue: the run's parent job (a BullMQ flow in `<name>-runs`, held in
 * `waiting-children` by a gate child until {@link JobRun.close}), and the waiters that follow
 * each submitted job through the queue's events and a poll. What the tracking executor and the
 * sweep executor share: they differ only in what a job carries and returns.
 */
export async function openJobRun(setup: JobRunSetup): Promise<JobRun> {
  const { names, connection } = setup;
  const emit = (event: QueueRunEvent): void => setup.onQueueEvent?.(event);
  const connections: Redis[] = [];
  const report = connectionErrorReporter((error) => emit({ kind: 'error', error }));
  const redis = (): Redis => {
    const client = connectRedis(connection);
    client.on('error', report.error);
    client.on('ready', report.ready);
    connections.push(client);
    return client;
  };
  const base = { prefix: names.prefix } as const;
  const jobs = new Queue(names.jobs, { ...base, connection: redis() });
  const runs = new Queue(names.runs, { ...base, connection: redis() });
  const gates = new Queue(names.gates, { ...base, connection: redis() });
  const flows = new FlowProducer({ ...base, connection: redis() });
  const events = new QueueEvents(names.jobs, { ...base, connection: redis() });
  const onError = report.error;
  jobs.on('error', onError);
  runs.on('error', onError);
  gates.on('error', onError);
  flows.on('error', onError);
  events.on('error', onError);
  const parentQueue = `${names.prefix}:${names.runs}`;
  const runId = setup.parent.id;

  // The run's parent job, held in waiting-children by a gate child until every job has been handed over.
  const gateId = `${runId}-gate-${randomUUID()}`;
  let parent: { id: string; queue: string } | undefined = { id: runId, queue: parentQueue };
  let gate: Job | undefined;
  const existing = await runs.getJob(runId);
  if (!existing) {
    const flow = await flows.add({
      name: 'run',
      queueName: names.runs,
      data: setup.parent.data,
      opts: { jobId: runId },
      children: [{ name: 'gate', queueName: names.gates, data: {}, opts: { jobId: gateId } }],
    });
    gate = flow.children?.[0]?.job;
    emit({ kind: 'run', run: runId, server: connection.masked, parent: 'new' });
  } else if ((await existing.getState()) === 'waiting-children') {
    gate = await gates.add('gate', {}, { jobId: gateId, parent });
    emit({ kind: 'run', run: runId, server: connection.masked, parent: 'joined' });
  } else {
    // Every job of this run finished before: new jobs (there should be none) go without a parent.
    parent = undefined;
    emit({ kind: 'run', run: runId, server: connection.masked, parent: 'finished' });
  }

  const waiters = new Map<string, Waiter>();
  const check = async (id: string): Promise<void> => {
    const waiter = waiters.get(id);
    if (!waiter) return;
    // The state first, then the job: a job read before its state could be one that finished in between, without its result.
    const state = await jobs.getJobState(id);
    const job = state === 'unknown' ? undefined : await jobs.getJob(id);
    if (!job) {
      waiters.delete(id);
      waiter.reject(
        new FactorkitError(
          'FK_WORKER_FAILED',
          `${waiter.subject}: its job \`${id}\` is no longer in the queue at ${connection.masked} while the run waited for it: the run's queued jobs are lost (a Redis server restarted without persistence loses them: set \`appendonly yes\`; or the keys were deleted); run it again`,
          { details: { job: id } },
        ),
      );
      return;
    }
    if (state === 'completed') {
      waiters.delete(id);
      waiter.resolve(job.returnvalue);
      return;
    }
    if (state === 'failed') {
      waiters.delete(id);
      waiter.reject(
        new FactorkitError('FK_WORKER_FAILED', `${waiter.subject} failed on the queue after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}: ${maskQueueUrl(job.failedReason ?? 'no reason given')}`, {
          details: { job: id, attempts: job.attemptsMade, reason: maskQueueUrl(job.failedReason ?? '') },
        }),
      );
      return;
    }
    // Read after its state, the job may have finished meanwhile (its attempts then count the finished one): the next look settles it.
    if (job.finishedOn !== undefined) return;
    if (job.attemptsMade > waiter.attemptsSeen) {
      waiter.attemptsSeen = job.attemptsMade;
      emit({ kind: 'retry', label: waiter.label, job: id, attempt: job.attemptsMade, attempts: job.opts.attempts ?? 1, error: maskQueueUrl(job.failedReason ?? '') });
    }
    if (state === 'active' && !waiter.active) {
      waiter.active = true;
      emit({ kind: 'active', label: waiter.label, job: id, worker: job.processedBy ?? '?', attempt: job.attemptsMade + 1 });
    } else if (state !== 'active') waiter.active = false;
  };
  const checkSoon = (id: string): void => void check(id).catch((error: unknown) => emit({ kind: 'error', error: maskQueueUrl(error instanceof Error ? error.message : String(error)) }));
  events.on('completed', ({ jobId }) => checkSoon(jobId));
  events.on('failed', ({ jobId }) => checkSoon(jobId));
  events.on('active', ({ jobId }) => checkSoon(jobId));
  await events.waitUntilReady();
  const timer = setInterval(() => {
    for (const id of waiters.keys()) checkSoon(id);
  }, setup.pollMs ?? 1000);

  const submit: JobRun['submit'] = async ({ id, name, data, label }) => {
    setup.counts.jobs++;
    const job = await jobs.getJob(id);
    const state = job ? await job.getState() : undefined;
    if (!job) {
      await jobs.add(name, data, {
        jobId: id,
        attempts: setup.attempts,
        backoff: { type: 'exponential', delay: setup.backoffMs ?? 1000 },
        removeOnComplete: false,
        removeOnFail: false,
        ...(parent ? { parent } : {}),
      });
      setup.counts.enqueued++;
      emit({ kind: 'job', label, job: id, status: 'enqueued' });
    } else if (state === 'completed') {
      setup.counts.reused++;
      emit({ kind: 'job', label, job: id, status: 'reused' });
    } else if (state === 'failed') {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      setup.counts.retried++;
      emit({ kind: 'job', label, job: id, status: 'retried' });
    } else {
      setup.counts.joined++;
      emit({ kind: 'job', label, job: id, status: 'waiting' });
    }
    // Waited on from now: the queue's events and the poll look at it (a result that came meanwhile is read by this first check).
    const done = new Promise<unknown>((resolve, reject) => waiters.set(id, { label, subject: `${name} ${label}`, resolve, reject, attemptsSeen: state === 'failed' ? 0 : (job?.attemptsMade ?? 0), active: false }));
    checkSoon(id);
    return done;
  };

  return {
    submit,
    close: async () => {
      clearInterval(timer);
      try {
        // Every job is handed over: the gate goes, and the parent is released once its jobs are done.
        if (gate) {
          await gate.removeChildDependency().catch(() => false);
          await gate.remove().catch(() => undefined);
        }
      } finally {
        for (const waiter of waiters.values()) waiter.reject(new FactorkitError('FK_WORKER_FAILED', `${waiter.subject}: the run stopped waiting`));
        waiters.clear();
        await Promise.allSettled([events.close(), flows.close(), gates.close(), runs.close(), jobs.close()]);
        for (const client of connections) client.disconnect();
      }
    },
  };
}
