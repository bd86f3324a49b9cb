/**
 * The evaluation report: one object (what `--json` prints) and its aligned table. A result row has
 * `HR@k` / `MRR@k` for every cutoff, then `coverage@K`, `popularity_bias@K` (K = the largest) and
 * `ms_per_prediction`; with the default cutoffs that is exactly `ModelResult`.
 */
import type { DroppedCounts } from './read.ts';
import type { ModelEvaluation } from './next-item-protocol.ts';
import type { EvalData } from './types.ts';

export const PROTOCOL_DESCRIPTION = 'session-rec next-item, every prefix';

export type ResultRow = Record<string, string | number> & { model: string };

export interface EvalReport {
  protocol: {
    description: string;
    cutoffs: number[];
    /** Items every prediction is ranked against: all training items. */
    candidates: number;
    candidateSet: string;
    testFilter: string;
    tieBreak: string;
  };
  train: { sessions: number; events: number; items: number };
  test: { sessions: number; events: number; predictions: number; droppedSessions: number; droppedEvents: number };
  results: ResultRow[];
}

/** Rounded for printing: six decimals are well below the run-to-run noise of any metric here. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function resultRow(evaluation: ModelEvaluation): ResultRow {
  const row: ResultRow = { model: evaluation.model };
  evaluation.cutoffs.forEach((k, c) => {
    row[`HR@${k}`] = round(evaluation.hitRate[c]!);
    row[`MRR@${k}`] = round(evaluation.mrr[c]!);
  });
  const maxK = evaluation.cutoffs[evaluation.cutoffs.length - 1]!;
  row[`coverage@${maxK}`] = round(evaluation.coverage);
  row[`popularity_bias@${maxK}`] = round(evaluation.popularityBias);
  row.ms_per_prediction = round(evaluation.msPerPrediction);
  return row;
}

function eventCount(sessions: EvalData['train']): number {
  let events = 0;
  for (const s of sessions) events += s.items.length;
  return events;
}

export function buildReport(data: EvalData, dropped: DroppedCounts, cutoffs: number[], evaluations: ModelEvaluation[]): EvalReport {
  let predictions = 0;
  for (const s of data.test) predictions += s.items.length - 1;
  return {
    protocol: {
      description: PROTOCOL_DESCRIPTION,
      cutoffs,
      candidates: data.itemIds.length,
      candidateSet: 'all training items; items already in the session may be recommended again',
      testFilter: 'test events whose item is not in train are removed, then sessions shorter than 2',
      tieBreak: 'equal scores: lower item index (order of first appearance in train) first',
    },
    train: { sessions: data.train.length, events: eventCount(data.train), items: data.itemIds.length },
    test: { sessions: data.test.length, events: eventCount(data.test), predictions, ...dropped },
    results: evaluations.map(resultRow),
  };
}

/** The report as aligned text lines: a summary, then one row per model. */
export function formatReport(report: EvalReport): string[] {
  const { train, test, protocol } = report;
  const lines = [
    `${protocol.description}: ${test.predictions} predictions in ${test.sessions} test sessions, each ranked against all ${protocol.candidates} training items`,
    `train: ${train.sessions} sessions, ${train.events} events, ${train.items} items`,
    `test:  ${test.sessions} sessions, ${test.events} events (dropped ${test.droppedSessions} sessions and ${test.droppedEvents} events: items unknown to train, sessions shorter than 2)`,
    '',
  ];
  const first = report.results[0];
  if (!first) return [...lines, 'no models evaluated'];
  const columns = Object.keys(first);
  const cells = report.results.map((row) => columns.map((column) => cell(row[column]!, column)));
  const widths = columns.map((column, c) => Math.max(column.length, ...cells.map((row) => row[c]!.length)));
  const pad = (text: string, c: number) => (c === 0 ? text.padEnd(widths[c]!) : text.padStart(widths[c]!));
  lines.push(columns.map(pad).join('  '));
  for (const row of cells) lines.push(row.map(pad).join('  '));
  return lines;
}

function cell(value: string | number, column: string): string {
  if (typeof value === 'string') return value;
  // Times are tiny for the baselines: three significant digits say more than four decimals.
  return column === 'ms_per_prediction' ? Number(value.toPrecision(3)).toString() : value.toFixed(4);
}
