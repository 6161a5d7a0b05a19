import {
  type BenchmarkWeights,
  type CategoricalPanel,
  FactorkitError,
  type FieldInfo,
  type FieldRequest,
  type MarketData,
  type Panel,
  type Tradability,
  type TradingCalendar,
  type UniverseInstance,
  missingField,
  show,
  windowCategorical,
  windowPanel,
} from '@factorkit/core';
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { type DataReply, type DataRequest, type SharedCategorical, type SharedPanel, panelOf, reviveError } from './protocol.js';
import { ROW_BLOCK } from './server.js';

/**
 * A worker's side of the synchronous data link: each request is posted, the worker waits on the
 * shared signal until the run's thread has answered, and reads the reply from the port at once.
 * Fields are fetched whole and kept (they are shared memory: keeping them costs nothing).
 */
export class DataLink {
  readonly #port: MessagePort;
  readonly #flag: Int32Array;
  readonly #fields = new Map<string, Panel>();
  readonly #categorical = new Map<string, CategoricalPanel>();

  constructor(port: MessagePort, signal: SharedArrayBuffer) {
    this.#port = port;
    this.#flag = new Int32Array(signal);
  }

  request(request: DataRequest): unknown {
    Atomics.store(this.#flag, 0, 0);
    this.#port.postMessage(request);
    // Woken by the reply; a minute without one means the run's thread is stuck or gone.
    while (Atomics.load(this.#flag, 0) === 0) {
      if (Atomics.wait(this.#flag, 0, 0, 60_000) === 'timed-out' && Atomics.load(this.#flag, 0) === 0) {
        throw new FactorkitError('FK_WORKER_FAILED', `worker: no answer to a \`${request.op}\` data request in 60 s`);
      }
    }
    const received = receiveMessageOnPort(this.#port);
    if (!received) throw new FactorkitError('FK_WORKER_FAILED', `worker: the answer to a \`${request.op}\` data request was signalled but not received`);
    const reply = received.message as DataReply;
    if ('error' in reply) throw reviveError(reply.error);
    return reply.ok;
  }

  field(name: string): Panel {
    let panel = this.#fields.get(name);
    if (!panel) {
      panel = panelOf(this.request({ op: 'field', name }) as SharedPanel);
      this.#fields.set(name, panel);
    }
    return panel;
  }

  categorical(name: string): CategoricalPanel {
    let panel = this.#categorical.get(name);
    if (!panel) {
      panel = this.request({ op: 'categorical', name }) as SharedCategorical;
      this.#categorical.set(name, panel);
    }
    return panel;
  }
}

function checkLag(lag: number | undefined): number {
  const value = lag ?? 0;
  if (!Number.isInteger(value) || value < 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `field request: lag must be a non-negative integer, got ${show(lag)}`);
  return value;
}

/**
 * The run's data view as a worker sees it: the same calendar, assets and fields, each field read
 * through the {@link DataLink} from the run's thread (whole, once) and windowed here the way the
 * data layer windows its own panels (lags reach before a window's start).
 */
export class RemoteMarketData implements MarketData {
  readonly calendar: TradingCalendar;
  readonly assets: readonly string[];
  readonly #link: DataLink;
  readonly #info: readonly FieldInfo[];
  readonly #names: ReadonlySet<string>;
  readonly #start: number;
  readonly #end: number;

  constructor(link: DataLink, calendar: TradingCalendar, assets: readonly string[], info: readonly FieldInfo[], start = 0, end = calendar.length) {
    this.#link = link;
    this.assets = assets;
    this.#info = info;
    this.#names = new Set(info.map((f) => f.name));
    this.#start = start;
    this.#end = end;
    this.calendar = start === 0 && end === calendar.length ? calendar : calendar.slice(start, end);
    this.#root = calendar;
  }

  readonly #root: TradingCalendar;

  fieldInfo(): readonly FieldInfo[] {
    return this.#info;
  }

  hasField(name: string): boolean {
    return this.#names.has(name);
  }

  field(name: string, request: FieldRequest = {}): Panel {
    const lag = checkLag(request.lag);
    if (!this.#names.has(name)) return missingField(name, this);
    return windowPanel(this.#link.field(name), this.#start, this.#end, lag);
  }

  categorical(name: string, request: FieldRequest = {}): CategoricalPanel {
    const lag = checkLag(request.lag);
    if (!this.#names.has(name)) return missingField(name, this, 'categorical');
    return windowCategorical(this.#link.categorical(name), this.#start, this.#end, lag);
  }

  window(start: number, end: number): MarketData {
    const length = this.#end - this.#start;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > length || start > end) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `window: \`${start}\` … \`${end}\` is not a range within 0 … ${length}`);
    }
    return new RemoteMarketData(this.#link, this.#root, this.assets, this.#info, this.#start + start, this.#start + end);
  }
}

/**
 * A universe of the run as a worker sees it: members and tradability fetched in blocks of
 * {@link ROW_BLOCK} dates, weights per date, each kept; every call returns a fresh copy, as a
 * universe resolved in this thread would.
 */
export function remoteUniverse(link: DataLink, index: number, info: { readonly id: string; readonly weights: boolean; readonly tradability: boolean }, dates: number, assets: number): UniverseInstance {
  const members = new Map<number, Uint8Array>();
  const tradable = new Map<number, Uint8Array>();
  const weights = new Map<number, BenchmarkWeights | undefined>();
  const block = (cache: Map<number, Uint8Array>, op: 'members' | 'tradability', t: number): { rows: Uint8Array; from: number; count: number } => {
    if (!Number.isInteger(t) || t < 0 || t >= dates) throw new RangeError(`universe \`${info.id}\`: date index ${show(t)} outside 0 … ${dates - 1}`);
    const from = Math.floor(t / ROW_BLOCK) * ROW_BLOCK;
    const to = Math.min(dates, from + ROW_BLOCK);
    let rows = cache.get(from);
    if (!rows) {
      rows = link.request({ op, universe: index, from, to }) as Uint8Array;
      cache.set(from, rows);
    }
    return { rows, from, count: to - from };
  };
  const instance: { -readonly [K in keyof UniverseInstance]: UniverseInstance[K] } = {
    id: info.id,
    members: (t) => {
      const { rows, from } = block(members, 'members', t);
      return rows.slice((t - from) * assets, (t - from + 1) * assets);
    },
  };
  if (info.weights) {
    instance.weights = (t) => {
      if (!weights.has(t)) {
        const w = link.request({ op: 'weights', universe: index, t }) as { weights: Float64Array; asOf: string; carried: boolean; approximate: boolean } | null;
        weights.set(t, w ? { weights: w.weights, asOf: w.asOf, carried: w.carried, approximate: w.approximate } : undefined);
      }
      const w = weights.get(t);
      return w ? { ...w, weights: w.weights.slice() } : undefined;
    };
  }
  if (info.tradability) {
    instance.tradability = (t): Tradability => {
      const { rows, from, count } = block(tradable, 'tradability', t);
      const at = (t - from) * assets;
      return { canBuy: rows.slice(at, at + assets), canSell: rows.slice((count + t - from) * assets, (count + t - from) * assets + assets) };
    };
  }
  return instance;
}
