/**
 * IAB TCF v2.2 adapter: listens to the CMP with `__tcfapi('addEventListener', 2, cb)` and turns
 * each final TC data into a consent signal. Mapping (also in docs/privacy.md):
 *
 * - `personalization` = Purpose 1 (store and/or access information on a device) AND Purpose 5
 *   (create profiles to personalise content) AND Purpose 6 (use profiles to select personalised
 *   content). Purposes 3/4 are the *advertising* profile purposes since v2.2 and are not used.
 * - `measurement` = Purpose 8 (measure content performance) AND Purpose 9 (understand audiences
 *   through statistics). Nothing is stored on the device for it, so Purpose 1 is not required.
 *
 * Only **consent** counts (never legitimate interest: v2.2 forbids it for purposes 3-6, and Vitrine
 * asks for the stricter basis for 8-9 too). Vitrine runs as the shop's own first-party processing,
 * so the publisher's purpose consents decide when the CMP sets a publisher segment; otherwise the
 * global purpose consents do.
 *
 * What is NOT a decision, and sends no signal (the last decision stays; at page start that is
 * `necessary` only): `cmpuishown` (the dialog is open), `cmpStatus` 'stub' / 'loading' / 'error',
 * `success === false`, `gdprApplies` not `true` (outside GDPR the CMP asks nothing; use the
 * explicit API there). Unknown purposes are denied.
 */

/** The parts of TC data Vitrine reads (TCF v2.2 `TCData`). */
export interface TcData {
  gdprApplies?: boolean;
  cmpStatus?: string;
  eventStatus?: string;
  listenerId?: number;
  purposeOneTreatment?: boolean;
  purpose?: { consents?: Record<string, boolean> };
  publisher?: { consents?: Record<string, boolean> };
}

export type TcfApi = (command: string, version: number, callback: (data: TcData, success: boolean) => void, parameter?: unknown) => void;

/** What a decision means for Vitrine's scopes. */
export interface TcfDecision {
  personalization: boolean;
  measurement: boolean;
}

/** TCF purposes behind each scope. */
export const TCF_PERSONALIZATION_PURPOSES = [1, 5, 6] as const;
export const TCF_MEASUREMENT_PURPOSES = [8, 9] as const;

/** Event statuses that carry the visitor's decision (`cmpuishown` means the dialog is still open). */
const FINAL_EVENTS = ['tcloaded', 'useractioncomplete'];

/** The decision in one TC data, or null when it is not one (pending, error, GDPR does not apply). */
export function tcfDecision(data: TcData | null | undefined, success: boolean): TcfDecision | null {
  if (!success || !data || data.gdprApplies !== true) return null;
  if (data.cmpStatus !== 'loaded' || !FINAL_EVENTS.includes(data.eventStatus ?? '')) return null;
  const publisher = data.publisher?.consents;
  const consents = publisher && Object.keys(publisher).length > 0 ? publisher : (data.purpose?.consents ?? {});
  const granted = (purpose: number): boolean =>
    // `purposeOneTreatment`: Purpose 1 is not disclosed in the publisher's country, so not asked.
    consents[purpose] === true || (purpose === 1 && data.purposeOneTreatment === true);
  return {
    personalization: TCF_PERSONALIZATION_PURPOSES.every(granted),
    measurement: TCF_MEASUREMENT_PURPOSES.every(granted),
  };
}

/**
 * Listens to the CMP on `win` (if it has `__tcfapi`) and calls `onDecision` for each decision.
 * Returns a stop function, or null when there is no CMP. Never throws: a broken CMP is no signal.
 */
export function listenTcf(win: { __tcfapi?: unknown }, onDecision: (decision: TcfDecision) => void): (() => void) | null {
  const api = win.__tcfapi;
  if (typeof api !== 'function') return null;
  let listenerId: number | undefined;
  let stopped = false;
  try {
    (api as TcfApi)('addEventListener', 2, (data, success) => {
      if (typeof data?.listenerId === 'number') listenerId = data.listenerId;
      if (stopped) return;
      const decision = tcfDecision(data, success);
      if (decision) onDecision(decision);
    });
  } catch {
    return null;
  }
  return () => {
    stopped = true;
    if (listenerId === undefined) return;
    try {
      (api as TcfApi)('removeEventListener', 2, () => undefined, listenerId);
    } catch {
      // The CMP is gone; we already ignore its callbacks.
    }
  };
}
