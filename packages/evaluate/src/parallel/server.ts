import { type MarketData, type UniverseInstance, show } from '@factorkit/core';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { type DataReply, type DataRequest, type SharedCategorical, type SharedPanel, serializeError, sharedFloat64 } from './protocol.js';

/** Rows of members or tradability fetched per request: one round trip serves this many dates. */
export const ROW_BLOCK = 64;

/**
 * The run's side of the synchronous data link: answers the workers' requests for fields,
 * universe members, benchmark weights and tradability from the data and universes of the run,
 * each computed once and kept in shared memory, so that every worker reads the same bytes.
 *
 * A worker blocks (`Atomics.wait`) until its reply is posted, so requests are answered while
 * this thread's event loop is free — the run computes factors between submissions, and a worker
 * that asks meanwhile waits for that factor to finish.
 */
export class DataServer {
  readonly #data: MarketData;
  readonly #universes: readonly (UniverseInstance | undefined)[];
  readonly #investable: UniverseInstance | undefined;
  readonly #fields = new Map<string, SharedPanel>();
  readonly #categorical = new Map<string, SharedCategorical>();
  readonly #rows = new Map<string, Uint8Array>();
  /** Shared copies by the universe's own weights array: a universe that keeps its rows (the tracking run's do) is copied once per date. */
  readonly #weights = new WeakMap<Float64Array, Float64Array>();
  readonly #ports: MessagePort[] = [];
  /** Requests answered, by kind (for tests and the run's notes). */
  readonly served: Record<DataRequest['op'], number> = { field: 0, categorical: 0, members: 0, tradability: 0, weights: 0 };

  constructor(data: MarketData, universes: readonly UniverseInstance[], investable?: UniverseInstance) {
    this.#data = data;
    this.#universes = universes;
    this.#investable = investable;
  }

  /** A link for one worker: its port (transfer it) and the signal it waits on. */
  connect(): { port: MessagePort; signal: SharedArrayBuffer } {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const flag = new Int32Array(signal);
    port1.on('message', (request: DataRequest) => {
      let reply: DataReply;
      try {
        reply = { ok: this.answer(request) };
      } catch (error) {
        reply = { error: serializeError(error) };
      }
      port1.postMessage(reply);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
    this.#ports.push(port1);
    return { port: port2, signal };
  }

  close(): void {
    for (const port of this.#ports) port.close();
    this.#ports.length = 0;
  }

  answer(request: DataRequest): unknown {
    this.served[request.op]++;
    switch (request.op) {
      case 'field':
        return this.#field(request.name);
      case 'categorical':
        return this.#categoricalField(request.name);
      case 'members':
        return this.#block('members', request.universe, request.from, request.to);
      case 'tradability':
        return this.#block('tradability', request.universe, request.from, request.to);
      case 'weights':
        return this.#weightsOf(request.universe, request.t);
      default:
        throw new TypeError(`data server: unknown request ${show((request as { op?: unknown }).op)}`);
    }
  }

  #field(name: string): SharedPanel {
    let shared = this.#fields.get(name);
    if (!shared) {
      const panel = this.#data.field(name);
      shared = { dates: panel.dates, assets: panel.assets, values: sharedFloat64(panel.values) };
      this.#fields.set(name, shared);
    }
    return shared;
  }

  #categoricalField(name: string): SharedCategorical {
    let shared = this.#categorical.get(name);
    if (!shared) {
      const panel = this.#data.categorical(name);
      const codes = new Int32Array(new SharedArrayBuffer(panel.codes.byteLength));
      codes.set(panel.codes);
      shared = { dates: panel.dates, assets: panel.assets, codes, levels: [...panel.levels] };
      this.#categorical.set(name, shared);
    }
    return shared;
  }

  #universe(index: number): UniverseInstance {
    const universe = index === -1 ? this.#investable : this.#universes[index];
    if (!universe) throw new RangeError(`data server: no universe #${index}`);
    return universe;
  }

  #checkRows(from: number, to: number): void {
    const T = this.#data.calendar.length;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > T || from >= to) throw new RangeError(`data server: rows ${from} … ${to} outside 0 … ${T}`);
  }

  /** Members (one byte per asset and row) or tradability (canBuy rows, then canSell rows) of rows `from … to − 1`. */
  #block(kind: 'members' | 'tradability', index: number, from: number, to: number): Uint8Array {
    this.#checkRows(from, to);
    const key = `${kind}:${index}:${from}:${to}`;
    let block = this.#rows.get(key);
    if (block) return block;
    const universe = this.#universe(index);
    const N = this.#data.assets.length;
    const rows = to - from;
    block = new Uint8Array(new SharedArrayBuffer(N * rows * (kind === 'members' ? 1 : 2)));
    for (let t = from; t < to; t++) {
      if (kind === 'members') block.set(universe.members(t), (t - from) * N);
      else {
        const flags = universe.tradability!(t);
        block.set(flags.canBuy, (t - from) * N);
        block.set(flags.canSell, (rows + t - from) * N);
      }
    }
    this.#rows.set(key, block);
    return block;
  }

  #weightsOf(index: number, t: number) {
    this.#checkRows(t, t + 1);
    const w = this.#universe(index).weights!(t);
    if (!w) return null;
    let shared = this.#weights.get(w.weights);
    if (!shared) this.#weights.set(w.weights, (shared = sharedFloat64(w.weights)));
    return { weights: shared, asOf: w.asOf, carried: w.carried, approximate: w.approximate };
  }
}
