export { createOfflineClassifier, OFFLINE_CLASSIFIER_VERSION } from './offline-classifier';
export type { ClassifierTuning, OfflineClassifier, OfflineClassifierOptions } from './offline-classifier';
export { evaluateClassifier } from './evaluate-classifier';
export type { EvaluationReport, LabelMetrics } from './evaluate-classifier';
export { readLabelledRows, DEFAULT_TRAINING_FILE } from './labelled-rows';
export type { LabelledRow } from './labelled-rows';
