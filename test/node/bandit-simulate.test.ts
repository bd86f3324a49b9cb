import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runBanditSimulate } from '../../src/cli/commands/bandit-simulate.ts';
import { createTally, empiricalLeader, recordClick, ucb1Choice } from '../../src/cli/bandit/baselines.ts';
import { bestArms, createWorld, simulate, type PolicySummary, type SimulationReport } from '../../src/cli/bandit/simulation.ts';
import { decayArm, decayFactor } from '../../src/shared/bandit/decay.ts';
import { rejection } from './cli-helpers.ts';

const HORIZON = 20_000;

function policy(report: SimulationReport, name: string): PolicySummary {
  return report.policies.find((p) => p.policy === name)!;
}

describe('decayArm', () => {
  it('should halve the evidence beyond the prior every half-life', () => {
    const factor = decayFactor(100);
    let arm = { alpha: 41, beta: 81 };
    for (let i = 0; i < 100; i++) arm = decayArm(arm, factor);
    expect(arm.alpha).toBeCloseTo(21, 9);
    expect(arm.beta).toBeCloseTo(41, 9);
    expect(decayFactor(Infinity)).toBe(1);
    expect(decayArm({ alpha: 3, beta: 4 }, 0.5, { alpha: 1, beta: 2 })).toEqual({ alpha: 2, beta: 3 });
  });
});

describe('simulation baselines', () => {
  it('should let UCB1 try every arm once, then prefer the better one', () => {
    const tally = createTally(3);
    const first = [0, 1, 2].map(() => {
      const arm = ucb1Choice(tally);
      recordClick(tally, arm, arm === 2 ? 1 : 0);
      return arm;
    });
    expect(first).toEqual([0, 1, 2]);
    expect(ucb1Choice(tally)).toBe(2);
    expect(empiricalLeader(tally)).toBe(2);
  });
});

describe('simulation world', () => {
  it('should change the best arm halfway, and give each segment its own winner with --context', () => {
    const world = createWorld(10, HORIZON, false);
    expect(bestArms(world, false)).toEqual([0]);
    expect(bestArms(world, true)).toEqual([world.changingArm]);
    const segmented = createWorld(10, HORIZON, true);
    expect(new Set(bestArms(segmented, false)).size).toBe(4);
  });
});

// The targets, on the real simulation at 20,000 impressions with fixed seeds (few runs, to
// keep the suite fast; the README's table uses 20).
describe('vitrine bandit simulate targets', () => {
  for (const arms of [10, 50]) {
    it(`should keep Thompson sampling's regret at or below 0.3 × the uniform split's at ${arms} arms`, () => {
      const report = simulate(arms, HORIZON, { runs: 3, seed: 1, policies: ['ts', 'uniform'] });
      expect(policy(report, 'ts').regret).toBeLessThanOrEqual(0.3 * policy(report, 'uniform').regret);
    });
  }

  it('should move Thompson sampling traffic to the new best arm after the change', () => {
    const report = simulate(10, HORIZON, { runs: 3, seed: 2, policies: ['ts'] });
    const shares = policy(report, 'ts').best_arm_share_by_tenth;
    expect(shares[5]).toBeLessThan(0.3); // right after the change, the new best arm has little traffic
    expect(shares[9]).toBeGreaterThan(0.8); // by the end it has most
    expect(policy(report, 'ts').trials_to_reidentify).not.toBeNull();
  });

  for (const arms of [10, 50]) {
    it(`should keep the contextual policy's regret at or below 0.5 × context-free Thompson sampling's at ${arms} arms in segments`, () => {
      const report = simulate(arms, HORIZON, { context: true, runs: arms === 10 ? 3 : 2, seed: 1, policies: ['ts', 'lin-ts'] });
      expect(policy(report, 'lin-ts').regret).toBeLessThanOrEqual(0.5 * policy(report, 'ts').regret);
    });
  }
});

describe('vitrine bandit simulate', () => {
  it('should print every policy with regret, best arm share and trials to identify, the same for the same seed', async () => {
    const run = async () => {
      const out: string[] = [];
      expect(
        await runBanditSimulate(['--arms', '3', '--horizon', '4000', '--runs', '20', '--json'], { out: (line) => out.push(line) }),
      ).toBe(0);
      return JSON.parse(out[0]!) as SimulationReport;
    };
    const report = await run();
    expect(report).toMatchObject({ arms: 3, horizon: 4000 });
    expect(report.policies.map((p) => p.policy)).toEqual(['ts', 'lin-ts', 'ucb1', 'epsilon-greedy', 'uniform']);
    for (const p of report.policies) {
      expect(p.regret).toBeGreaterThan(0);
      expect(p.best_arm_share).toBeGreaterThanOrEqual(0);
      expect(p.best_arm_share).toBeLessThanOrEqual(1);
      expect(p.trials_to_identify === null || (p.trials_to_identify > 0 && p.trials_to_identify <= 2000)).toBe(true);
    }
    // Three arms at 20%, 19% and 12%: the uniform split is right about the leader only with many trials.
    expect(policy(report, 'uniform').best_arm_share).toBeCloseTo(1 / 3, 1);
    expect(await run()).toEqual(report);
  });

  it('should reject bad options with typed errors, and answer --help', async () => {
    await expect(rejection(runBanditSimulate(['--horizon', '100']))).resolves.toMatchObject({
      code: 'INPUT_BAD_OPTION',
      details: { field: '--arms' },
    });
    await expect(rejection(runBanditSimulate(['--arms', '1', '--horizon', '100']))).resolves.toMatchObject({
      details: { field: '--arms' },
    });
    await expect(rejection(runBanditSimulate(['--arms', '3', '--horizon', '100', '--epsilon', '2']))).resolves.toMatchObject({
      details: { field: '--epsilon' },
    });
    expect(await main(['bandit', 'simulate', '--help'])).toBe(0);
  });
});
