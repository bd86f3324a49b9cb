/**
 * Beta priors of a logged Thompson sampling policy, per campaign: either the Open Bandit Dataset's
 * `prior_bts.json` (`{ campaign: { alpha: [...], beta: [...] } }`, arm i = item id i) or Vitrine's
 * own priors file (`experiments[campaign].all[itemId]`, as `vitrine bandit fold` writes it).
 */
import { readFileSync } from 'node:fs';
import type { PriorsFile } from '../../shared/bandit/counts.ts';
import type { BetaArm } from '../../shared/bandit/thompson.ts';
import { ALL_VISITORS } from '../../shared/bandit/counts.ts';
import { VitrineError } from '../../shared/errors.ts';

function unreadable(file: string, message: string, field?: string): VitrineError {
  return new VitrineError('INPUT_UNREADABLE', `${file}: ${message}`, { file, field });
}

function validArm(file: string, where: string, alpha: unknown, beta: unknown): BetaArm {
  if (typeof alpha !== 'number' || typeof beta !== 'number' || !(alpha > 0) || !(beta > 0) || !Number.isFinite(alpha + beta))
    throw unreadable(file, `${where} needs alpha > 0 and beta > 0, got alpha=${String(alpha)} beta=${String(beta)}`, where);
  return { alpha, beta };
}

/** The campaign's priors, arm i = item id i. Throws naming the campaign when it is missing. */
export function campaignPriors(json: unknown, campaign: string, file: string): BetaArm[] {
  if (typeof json !== 'object' || json === null) throw unreadable(file, 'is not a JSON object');
  const vitrine = json as Partial<PriorsFile>;
  if (vitrine.version === 1 && typeof vitrine.experiments === 'object' && vitrine.experiments !== null) {
    const names = Object.keys(vitrine.experiments);
    const arms = vitrine.experiments[campaign]?.[ALL_VISITORS];
    if (!arms)
      throw unreadable(
        file,
        `has no experiment "${campaign}" with segment "${ALL_VISITORS}" (it has: ${names.join(', ') || 'none'})`,
        'campaign',
      );
    const ids = Object.keys(arms);
    const count = Math.max(...ids.map(Number)) + 1;
    if (ids.some((id) => !/^\d+$/.test(id)) || !Number.isFinite(count))
      throw unreadable(file, `experiment "${campaign}" must name its arms by item id 0, 1, …`, 'campaign');
    return Array.from({ length: count }, (_, i) => {
      const arm = arms[String(i)];
      if (!arm) throw unreadable(file, `experiment "${campaign}" has no prior for item ${i}`, `${campaign}.${i}`);
      return validArm(file, `${campaign}.${i}`, arm.alpha, arm.beta);
    });
  }
  const campaigns = json as Record<string, { alpha?: unknown; beta?: unknown }>;
  const entry = campaigns[campaign];
  if (!entry || typeof entry !== 'object')
    throw unreadable(file, `has no campaign "${campaign}" (it has: ${Object.keys(campaigns).join(', ') || 'none'})`, 'campaign');
  const { alpha, beta } = entry;
  if (!Array.isArray(alpha) || !Array.isArray(beta) || alpha.length !== beta.length || alpha.length === 0)
    throw unreadable(file, `campaign "${campaign}" needs "alpha" and "beta" arrays of the same non-zero length`, campaign);
  return alpha.map((a, i) => validArm(file, `${campaign}.${i}`, a, beta[i]));
}

/** Reads `file` and returns `campaign`'s priors. */
export function readCampaignPriors(file: string, campaign: string): BetaArm[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw unreadable(file, `cannot read the priors: ${(error as Error).message}`);
  }
  return campaignPriors(json, campaign, file);
}
