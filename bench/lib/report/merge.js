// Several results files (a full run, then partial re-runs) become one view: a later figure for the same
// scenario, target, transport, phase and level replaces an earlier one.

export const resultKey = (r) => [r.scenario, r.target, r.transport, r.phase, r.level ?? ''].join('|');

export function mergeResults(documents) {
  const byKey = new Map();
  for (const doc of documents) {
    for (const result of doc.results ?? []) {
      // an error never hides a good figure already there
      if (result.phase === 'error' && [...byKey.values()].some((r) => r.scenario === result.scenario && r.target === result.target && r.transport === result.transport && r.phase !== 'error')) continue;
      byKey.set(resultKey(result), result);
    }
  }
  const meta = documents.length ? documents[0].meta : {};
  return { meta, metas: documents.map((d) => d.meta), results: [...byKey.values()] };
}
