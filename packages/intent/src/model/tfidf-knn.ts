/**
 * TF-IDF nearest neighbours. Complements naive Bayes with the one thing NB cannot tell us: how
 * close the message is to *anything* we trained on. A low best similarity means "out of domain"
 * (jailbreak prose, lunch plans), which is what keeps confidence honest.
 */
export interface KnnResult {
  /** Best cosine similarity per label (0 when no example shares a feature), same order as `labels`. */
  bestByLabel: number[];
  /** Best cosine similarity overall. */
  best: number;
}

export interface KnnModel {
  readonly labels: readonly string[];
  query(features: readonly string[]): KnnResult;
}

export function trainTfidfKnn(docs: readonly { features: readonly string[]; label: string }[], labels: readonly string[]): KnnModel {
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const df = new Map<string, number>();
  for (const doc of docs) for (const f of new Set(doc.features)) df.set(f, (df.get(f) ?? 0) + 1);
  const idf = (f: string): number => Math.log((docs.length + 1) / ((df.get(f) ?? 0) + 1)) + 1;

  const vectorise = (features: readonly string[], knownOnly: boolean): Map<string, number> => {
    const tf = new Map<string, number>();
    for (const f of features) if (!knownOnly || df.has(f)) tf.set(f, (tf.get(f) ?? 0) + 1);
    const v = new Map<string, number>();
    let norm = 0;
    for (const [f, c] of tf) {
      const w = (1 + Math.log(c)) * idf(f);
      v.set(f, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [f, w] of v) v.set(f, w / norm);
    return v;
  };

  // Inverted index: feature -> (doc, weight). A query only touches the docs sharing a feature.
  const postings = new Map<string, { doc: number; weight: number }[]>();
  const docLabels: number[] = [];
  docs.forEach((doc, i) => {
    docLabels.push(labelIndex.get(doc.label) ?? 0);
    for (const [f, w] of vectorise(doc.features, false)) {
      const list = postings.get(f);
      if (list) list.push({ doc: i, weight: w });
      else postings.set(f, [{ doc: i, weight: w }]);
    }
  });

  return {
    labels,
    query(features) {
      // Unknown words count in the norm: a message that is mostly unfamiliar is far from everything.
      const q = vectorise(features, false);
      // Dense scratch array: a Map per query was the hot spot (allocation and hashing per posting).
      const dots = new Float64Array(docLabels.length);
      const touched: number[] = [];
      for (const [f, w] of q) {
        for (const p of postings.get(f) ?? []) {
          if (dots[p.doc] === 0) touched.push(p.doc);
          dots[p.doc] = (dots[p.doc] ?? 0) + w * p.weight;
        }
      }
      const bestByLabel = new Array<number>(labels.length).fill(0);
      let best = 0;
      for (const doc of touched) {
        const sim = dots[doc] ?? 0;
        const li = docLabels[doc] ?? 0;
        if (sim > (bestByLabel[li] ?? 0)) bestByLabel[li] = sim;
        if (sim > best) best = sim;
      }
      return { bestByLabel, best };
    },
  };
}
