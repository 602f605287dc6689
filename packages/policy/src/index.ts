export { evaluatePolicy, REFUSAL_MESSAGE } from './evaluate-policy';
export type { PolicyIdentity } from './evaluate-policy';
export { loadPolicy, parsePolicy, DEFAULT_POLICY_FILE } from './load-policy';
export type { LoadedPolicy } from './load-policy';
export { findContradictions } from './policy-contradictions';
export { formatPolicyTable } from './format-policy-table';
export { normalizeName } from '@keyward/core';
export { policySchema } from './policy.schema';
export type { PolicyDocument } from './policy.schema';
