import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Decision, PolicyEngine, PolicyFacts } from '@keyward/core';
import { AppError } from '@keyward/core';
import { evaluatePolicy } from './evaluate-policy';
import type { PolicyDocument } from './policy.schema';
import { policySchema } from './policy.schema';

export const DEFAULT_POLICY_FILE = path.resolve(__dirname, '../policies/default.policy.yaml');

export interface LoadedPolicy extends PolicyEngine {
  readonly document: PolicyDocument;
  readonly source: string;
}

/** Parses and validates policy text; a bad file throws `policy.invalid` listing every problem. */
export function parsePolicy(text: string, source: string): LoadedPolicy {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new AppError('policy.invalid', `Policy file ${source} is not valid YAML: ${(error as Error).message}`);
  }
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n');
    throw new AppError('policy.invalid', `Policy file ${source} is invalid:\n${problems}`);
  }
  const document = result.data;
  const identity = { version: document.version, hash: createHash('sha256').update(text).digest('hex') };
  return {
    document,
    source,
    version: identity.version,
    hash: identity.hash,
    pushRateLimit: { limit: document.stepUp.push.rateLimit.limit, windowMs: document.stepUp.push.rateLimit.windowMinutes * 60_000 },
    confidenceThreshold: document.classifier.confidenceThreshold,
    secretTtlMs: document.secrets.ttlMinutes * 60_000,
    evaluate: (facts: PolicyFacts): Decision => evaluatePolicy(facts, document, identity),
  };
}

/** Loads the policy file (the packaged default when `file` is undefined). */
export function loadPolicy(file: string = DEFAULT_POLICY_FILE): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('policy.invalid', `Cannot read policy file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parsePolicy(text, file);
}
