export { evaluatePolicy } from './evaluate-policy';
export type { PolicyIdentity } from './evaluate-policy';
export { loadPolicy, parsePolicy, DEFAULT_POLICY_FILE } from './load-policy';
export type { LoadedPolicy } from './load-policy';
export { normalizeName } from './normalize-name';
export { policySchema } from './policy.schema';
export type { PolicyDocument } from './policy.schema';
