/**
 * The on-device experiments engine (one lazy chunk: it loads on a page's first experiment call).
 *
 * `choose()` answers which arms to show: Thompson sampling over each arm's posterior, which is the
 * shop's prior (`PriorsBook`, shipped with the bundle or the priors file) plus this visitor's own
 * feedback; `lin-ts` experiments draw from a linear model of the visit's context instead (see
 * context.ts), centred on the same priors. `feedback()` takes what the page saw: a viewable
 * impression is an arm's trial, a click / add-to-cart / purchase after it in the same session its
 * success, with the spec's weight. Per session, experiment and arm there is one trial and at most
 * one success, so reloads and double clicks do not count twice. `observe()` sees the visitor's
 * tracked events: adding to the cart or buying a product an arm showed in this session is that
 * arm's success too.
 *
 * State: in memory always; in the profile's `bandit` store only while the profile is persistent
 * (personalization consent). Deleting the profile or revoking consent drops it here as well.
 */
import { ALL_VISITORS } from '../../shared/bandit/counts.ts';
import { VitrineError } from '../../shared/errors.ts';
import type { StoredEvent } from '../../shared/events.ts';
import type { ArmChoice, ArmFeedback, ArmReward, ExperimentSpec } from '../../shared/experiment.ts';
import { seededRandom, type SeededRandom } from '../../shared/random.ts';
import type { BanditKernels } from '../../shared/bandit/kernels.ts';
import type { Engine } from '../engine.ts';
import type { ProfileStore } from '../profile/index.ts';
import { sessionStartOf, SESSION_GAP_MS, type VisitorInput } from '../visitor.ts';
import type { ArmCounter } from './arm-counts.ts';
import { CONTEXT_DIMS, contextVector, segmentOf, type ExperimentContext, type VisitorSignals } from './context.ts';
import { chooseLinTs, chooseThompson, linTsFromPriors } from './policy.ts';
import type { PriorsBook } from './priors.ts';
import { emptyRecord, MAX_SAMPLES, mergeRecords, tallyOf, type ExperimentRecord } from './state.ts';
import { validateFeedback, validateSpec, type Experiment } from './spec.ts';
import { BanditStorage } from './storage.ts';

export type { ExperimentContext };

/** Weight of the Beta prior's mean in the linear model (the ridge lambda): a few observations' worth. */
const LIN_TS_PRIOR_STRENGTH = 2;

/**
 * Longest a choice waits for the shop's priors file when Cache Storage has no copy yet (a first
 * visit): then it chooses with the priors it has, and a page's content slot is not held up by a
 * slow or unreachable file. A cached copy applies at once.
 */
export const PRIORS_WAIT_MS = 2_000;

/** The last choice of an experiment: the segment and context its feedback belongs to. */
interface Chosen {
  segment: string;
  x: number[];
}

export class Experiments {
  readonly #records = new Map<string, ExperimentRecord>();
  readonly #specs = new Map<string, Experiment>();
  readonly #chosen = new Map<string, Chosen>();
  readonly #storage = new BanditStorage(() => this.profile.db);
  readonly #rng: SeededRandom;
  /** One call at a time: storage reads and writes never interleave with changes. */
  #queue: Promise<unknown> = Promise.resolve();
  /** The stored records are in memory (and memory is written back) while the profile is persistent. */
  #loaded = false;
  #deletedAt: number;
  #sessionStart = 0;
  #lastActive = -Infinity;
  /** Test builds only: how far the engine's clock is ahead of the system's. */
  #clockOffset = 0;

  constructor(
    private readonly profile: ProfileStore,
    private readonly engine: Engine,
    private readonly visitor: () => VisitorInput,
    /** Learning across visitors: the priors every arm starts from, the arm counts that go back. */
    private readonly learning: { priors: PriorsBook; counts: ArmCounter },
    /** The policies' kernels (`loadBanditKernels()`: wasm, or the TypeScript reference). */
    private readonly kernels: () => Promise<BanditKernels>,
    seed = crypto.getRandomValues(new Uint32Array(1))[0]!,
  ) {
    this.#rng = seededRandom(seed);
    this.#deletedAt = profile.deletedAt;
  }

  /** Which arms to show now. `spec` comes from the page: it is checked here. */
  experiment(spec: ExperimentSpec, context?: ExperimentContext): Promise<ArmChoice> {
    return this.#serial(async () => {
      const experiment = validateSpec(spec);
      const kernels = await this.kernels();
      // The page's priors file (`data-bandit-priors`) is asked for as the page starts, but its
      // answer can come after the page's first choice: wait for it (bounded), else the choice is
      // made with flat priors.
      let waited: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.learning.priors.ready(), new Promise((done) => (waited = setTimeout(done, PRIORS_WAIT_MS)))]);
      clearTimeout(waited);
      // The loaded bundle's priors (the priors file, where the shop has one, overrides them per experiment).
      this.learning.priors.setBundlePriors(this.engine.bundle?.banditPriors ?? null);
      await this.#sync();
      this.#touch();
      this.#specs.set(experiment.name, experiment);
      const record = this.#records.get(experiment.name) ?? emptyRecord(experiment.name, this.#now());
      const { name, arms, slots } = experiment;
      let segment = ALL_VISITORS;
      let x: number[] = [];
      let picks;
      if (experiment.policy == 'lin-ts') {
        const signals = this.#signals();
        segment = segmentOf(signals);
        x = [...contextVector(signals, context)];
        const means = arms.map((arm) => {
          const { alpha, beta } = this.learning.priors.prior(name, segment, arm);
          return alpha / (alpha + beta);
        });
        const model = linTsFromPriors(means, CONTEXT_DIMS, LIN_TS_PRIOR_STRENGTH);
        for (const sample of record.samples) {
          const arm = arms.indexOf(sample.arm);
          if (arm >= 0 && sample.x.length == CONTEXT_DIMS) kernels.updateLinTs(model, arm, sample.x, sample.reward);
        }
        picks = chooseLinTs(kernels, this.#rng, model, x, slots);
      } else {
        const posteriors = arms.map((arm) => {
          const { alpha, beta } = this.learning.priors.prior(name, segment, arm);
          const { trials = 0, successes = 0 } = record.segments[segment]?.[arm] ?? {};
          return { alpha: alpha + successes, beta: beta + Math.max(0, trials - successes) };
        });
        picks = chooseThompson(kernels, this.#rng, posteriors, slots);
      }
      this.#chosen.set(name, { segment, x });
      return { experiment: name, arms: picks.map((p) => arms[p.arm]!), explore: picks.findIndex((p) => p.explore), segment };
    });
  }

  /**
   * What the page saw of chosen arms. Feedback for an experiment this worker has not chosen for, or
   * an arm not in it, is ignored (the page asks again after a reload). A malformed item rejects the
   * whole call with `INVALID_REQUEST` before anything counts.
   */
  reward(items: ArmFeedback[]): Promise<void> {
    return this.#serial(async () => {
      if (!Array.isArray(items)) throw new VitrineError('INVALID_REQUEST', 'feedback: must be an array', { field: 'feedback' });
      const checked = items.map(validateFeedback);
      await this.#sync();
      this.#touch();
      const changed = new Set<ExperimentRecord>();
      for (const { experiment, arm, kind, products = [] } of checked) {
        const spec = this.#specs.get(experiment);
        const chosen = this.#chosen.get(experiment);
        if (!spec || !chosen || !spec.arms.includes(arm)) continue;
        const record = this.#record(experiment);
        const changedHere =
          kind == 'impression' ? this.#trial(spec, record, chosen, arm, products) : this.#success(spec, record, chosen.segment, arm, kind);
        if (changedHere) changed.add(record);
      }
      await this.#save(changed);
    });
  }

  /** Tracked events: an add-to-cart or purchase of a product an arm showed in this session is its success. */
  observe(events: readonly StoredEvent[]): Promise<void> {
    return this.#serial(async () => {
      const changed = new Set<ExperimentRecord>();
      for (const { type, product } of events) {
        if ((type != 'add_to_cart' && type != 'purchase') || !product) continue;
        for (const record of this.#records.values()) {
          const spec = this.#specs.get(record.key);
          if (!spec) continue;
          for (const [segment, arms] of Object.entries(record.segments)) {
            for (const [arm, tally] of Object.entries(arms)) {
              if (tally.products.includes(product) && this.#success(spec, record, segment, arm, type)) changed.add(record);
            }
          }
        }
      }
      await this.#save(changed);
    });
  }

  /** Test builds only: moves the engine's clock (sessions end after `SESSION_GAP_MS` without activity). */
  async advanceClock(ms: number): Promise<void> {
    if (import.meta.env.MODE === 'test') this.#clockOffset += ms;
  }

  #trial(spec: Experiment, record: ExperimentRecord, chosen: Chosen, arm: string, products: string[]): boolean {
    const tally = tallyOf(record, chosen.segment, arm);
    if (tally.session == this.#sessionStart) {
      // The same arm seen again in this session (a reload, another scroll): what it showed joins, nothing counts.
      tally.products = [...new Set([...tally.products, ...products])];
      return true;
    }
    Object.assign(tally, { trials: tally.trials + 1, session: this.#sessionStart, rewarded: false, products });
    if (spec.policy == 'lin-ts') record.samples = [...record.samples, { arm, reward: 0, x: chosen.x }].slice(-MAX_SAMPLES);
    this.learning.counts.recordTrial(spec.name, arm, chosen.segment);
    return true;
  }

  #success(spec: Experiment, record: ExperimentRecord, segment: string, arm: string, kind: ArmReward): boolean {
    const tally = tallyOf(record, segment, arm);
    const weight = spec.reward[kind];
    if (tally.session != this.#sessionStart || tally.rewarded || !(weight > 0)) return false;
    tally.successes += weight;
    tally.rewarded = true;
    if (spec.policy == 'lin-ts') {
      const sample = [...record.samples].reverse().find((s) => s.arm == arm);
      if (sample) sample.reward = weight;
    }
    this.learning.counts.recordSuccess(spec.name, arm, segment, weight);
    return true;
  }

  #record(experiment: string): ExperimentRecord {
    let record = this.#records.get(experiment);
    if (!record) this.#records.set(experiment, (record = emptyRecord(experiment, this.#now())));
    return record;
  }

  #now(): number {
    return Date.now() + this.#clockOffset;
  }

  /** Activity now: after `SESSION_GAP_MS` without any, a new session starts. */
  #touch(): void {
    const now = this.#now();
    if (now - this.#lastActive > SESSION_GAP_MS) this.#sessionStart = now;
    this.#lastActive = now;
  }

  #signals(): VisitorSignals {
    const input = this.visitor();
    const events = input.events;
    const now = this.#now();
    const returning = sessionStartOf(events, input.now) > 0;
    let traits = null;
    try {
      traits = this.engine.traits(input);
    } catch {
      // No bundle yet: the traits' dimensions stay 0.
    }
    const hints = (navigator as { userAgentData?: { mobile?: boolean } }).userAgentData;
    return { returning, mobile: hints?.mobile ?? /Mobi/.test(navigator.userAgent), traits, hour: new Date(now).getHours() };
  }

  /** Follows the profile: dropped when it was deleted, loaded from and written to storage while it is persistent. */
  async #sync(): Promise<void> {
    if (this.profile.deletedAt != this.#deletedAt) {
      this.#deletedAt = this.profile.deletedAt;
      this.#clear();
    }
    if (!this.profile.db) {
      this.#loaded = false;
      return;
    }
    if (this.#loaded) return;
    this.#loaded = true;
    for (const stored of await this.#storage.readAll()) {
      const held = this.#records.get(stored.key);
      this.#records.set(stored.key, held ? mergeRecords(stored, held) : stored);
      if (stored.lastActive > this.#lastActive) ({ sessionStart: this.#sessionStart, lastActive: this.#lastActive } = stored);
    }
    await this.#storage.write([...this.#records.values()]);
  }

  async #save(records: Set<ExperimentRecord>): Promise<void> {
    const now = this.#now();
    for (const record of records) Object.assign(record, { sessionStart: this.#sessionStart, lastActive: this.#lastActive, updatedAt: now });
    if (this.#loaded) await this.#storage.write([...records]);
  }

  #clear(): void {
    this.#records.clear();
    this.#chosen.clear();
    this.#loaded = false;
    this.#sessionStart = 0;
    this.#lastActive = -Infinity;
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
