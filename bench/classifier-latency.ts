/**
 * `npm run bench:classifier`: the offline classifier's latency per message (p50 / p99) over the
 * public evaluation file, several passes after a warm-up pass (the JIT and the typo corrector's
 * caches would otherwise dominate the first pass). Wall-clock timing is the point here, so this
 * script, not product code, reads the high-resolution clock.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createOfflineClassifier, readLabelledRows } from '@keyward/intent';

const PUBLIC_FILE = path.resolve(__dirname, '../../shared/eval/public-utterances.jsonl');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const buildStart = performance.now();
const classifier = createOfflineClassifier();
const buildMs = performance.now() - buildStart;
const texts = readLabelledRows(PUBLIC_FILE).map((r) => r.text);

for (const text of texts) classifier.classifySync(text);
const samples: number[] = [];
for (let run = 0; run < RUNS; run += 1) {
  for (const text of texts) {
    const t0 = performance.now();
    classifier.classifySync(text);
    samples.push(performance.now() - t0);
  }
}
samples.sort((a, b) => a - b);
const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
process.stdout.write(
  `offline classifier ${process.version}: ${texts.length} messages x ${RUNS} runs = ${samples.length} samples\n` +
    `  training at start-up ${buildMs.toFixed(0)} ms\n` +
    `  per message: p50 ${at(0.5).toFixed(3)} ms  p90 ${at(0.9).toFixed(3)} ms  p99 ${at(0.99).toFixed(3)} ms  max ${at(1).toFixed(3)} ms  mean ${mean.toFixed(3)} ms\n`,
);
