/**
 * Multinomial naive Bayes with add-k smoothing. Chosen for a few hundred rows because it trains in
 * one pass, is exactly reproducible, and degrades gracefully on words it has never seen.
 * Raw NB posteriors are famously over-confident (they multiply per-word evidence as if words were
 * independent), so `predict` returns a tempered distribution: log-scores are divided by a
 * temperature that grows with message length before the softmax.
 */
export interface NaiveBayesModel {
  readonly labels: readonly string[];
  /** Probability per label, same order as `labels`. */
  predict(features: readonly string[]): number[];
  /** The features that most favour `label` over the other labels, strongest first (audit evidence). */
  explain(features: readonly string[], label: string, limit: number): string[];
}

export interface NaiveBayesOptions {
  smoothing?: number;
  /** Temperature = base + perFeature * sqrt(#known features). */
  temperatureBase?: number;
  temperaturePerFeature?: number;
}

export function trainNaiveBayes(docs: readonly { features: readonly string[]; label: string }[], options: NaiveBayesOptions = {}): NaiveBayesModel {
  const k = options.smoothing ?? 0.3;
  const tBase = options.temperatureBase ?? 1;
  const tPer = options.temperaturePerFeature ?? 0.9;
  const labels = [...new Set(docs.map((d) => d.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const docCounts = new Array<number>(labels.length).fill(0);
  const totals = new Array<number>(labels.length).fill(0);
  const counts = new Map<string, number[]>();
  for (const doc of docs) {
    const li = labelIndex.get(doc.label) ?? 0;
    docCounts[li] = (docCounts[li] ?? 0) + 1;
    for (const f of doc.features) {
      let row = counts.get(f);
      if (!row) {
        row = new Array<number>(labels.length).fill(0);
        counts.set(f, row);
      }
      row[li] = (row[li] ?? 0) + 1;
      totals[li] = (totals[li] ?? 0) + 1;
    }
  }
  const vocabulary = counts.size;
  // Uniform prior: the training file's class sizes reflect how much we wrote, not how often
  // people ask, and a skewed prior would pull short messages towards the biggest class.
  const logPrior = labels.map(() => Math.log(1 / labels.length));
  // log P(feature | label) precomputed once, so a message costs additions, not logarithms.
  const logLikelihood = new Map<string, Float64Array>();
  for (const [f, row] of counts) {
    logLikelihood.set(f, Float64Array.from(labels, (_, i) => Math.log((row[i] ?? 0) + k) - Math.log((totals[i] ?? 0) + k * vocabulary)));
  }

  return {
    labels,
    predict(features) {
      const scores = Float64Array.from(logPrior);
      let known = 0;
      for (const f of features) {
        const row = logLikelihood.get(f);
        // Unknown words say nothing about the class; counting them would only add noise.
        if (!row) continue;
        known += 1;
        for (let i = 0; i < scores.length; i += 1) scores[i] = (scores[i] ?? 0) + (row[i] ?? 0);
      }
      const temperature = tBase + tPer * Math.sqrt(known);
      let max = Number.NEGATIVE_INFINITY;
      for (const v of scores) if (v > max) max = v;
      const exp = Array.from(scores, (v) => Math.exp((v - max) / temperature));
      const sum = exp.reduce((a, b) => a + b, 0);
      return exp.map((e) => e / sum);
    },
    explain(features, label, limit) {
      const li = labelIndex.get(label);
      if (li === undefined) return [];
      const scored: { f: string; lift: number }[] = [];
      for (const f of new Set(features)) {
        const row = logLikelihood.get(f);
        if (!row) continue;
        let others = 0;
        for (let i = 0; i < row.length; i += 1) if (i !== li) others += Math.exp(row[i] ?? 0);
        const lift = (row[li] ?? 0) - Math.log(others / Math.max(1, labels.length - 1));
        if (lift > 0.5) scored.push({ f, lift });
      }
      scored.sort((a, b) => b.lift - a.lift || (a.f < b.f ? -1 : 1));
      return scored.slice(0, limit).map((x) => x.f);
    },
  };
}
