import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, isNode, parseDocument } from 'yaml';
import type { Decision, PolicyEngine, PolicyFacts } from '@keyward/core';
import { AppError, normalizeName } from '@keyward/core';
import { evaluatePolicy, privilegedNameSet } from './evaluate-policy';
import { findContradictions } from './policy-contradictions';
import type { PolicyDocument } from './policy.schema';
import { policySchema } from './policy.schema';

export const DEFAULT_POLICY_FILE = path.resolve(__dirname, '../policies/default.policy.yaml');

const HOUR = 3_600_000;

export interface LoadedPolicy extends PolicyEngine {
  readonly document: PolicyDocument;
  readonly source: string;
}

/**
 * Parses and validates policy text. A bad file throws `policy.invalid` listing every problem with
 * its line and field ("line 42, actions.mfa_reset.band: …"), and contradictions between rules.
 */
export function parsePolicy(text: string, source: string): LoadedPolicy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => `  - line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`).join('\n');
    throw new AppError('policy.invalid', `Policy file ${source} is not valid YAML:\n${problems}`);
  }
  const result = policySchema.safeParse(doc.toJS());
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => {
        const field = issue.path.join('.') || '(root)';
        return `  - ${lineOf(doc, lineCounter, issue.path)}${field}: ${issue.message}`;
      })
      .join('\n');
    throw new AppError('policy.invalid', `Policy file ${source} is invalid:\n${problems}`);
  }
  const document = result.data;
  const contradictions = findContradictions(document);
  if (contradictions.length > 0) {
    throw new AppError('policy.invalid', `Policy file ${source} contradicts itself:\n${contradictions.map((c) => `  - ${c}`).join('\n')}`);
  }
  return toEngine(document, text, source);
}

function toEngine(document: PolicyDocument, text: string, source: string): LoadedPolicy {
  const identity = { version: document.version, hash: createHash('sha256').update(text).digest('hex') };
  const privileged = privilegedNameSet(document);
  return {
    document,
    source,
    version: identity.version,
    hash: identity.hash,
    pushRateLimit: { limit: document.stepUp.push.rateLimit.limit, windowMs: document.stepUp.push.rateLimit.windowMinutes * 60_000 },
    confidenceThreshold: document.classifier.confidenceThreshold,
    secretTtlMs: document.secrets.ttlMinutes * 60_000,
    catalogue: {
      groups: document.catalogue.groups.map((g) => ({ name: g.name, ownerEmail: g.owner, maxDays: g.maxDays })),
      apps: document.catalogue.apps.map((a) => ({ name: a.name, ownerEmail: a.owner, maxDays: a.maxDays })),
    },
    isPrivilegedName: (name: string) => privileged.has(normalizeName(name)),
    approvals: { reminderMs: document.approvals.reminderHours * HOUR, expiryMs: document.approvals.expiryHours * HOUR },
    velocity: { limit: document.velocity.limit, windowMs: document.velocity.windowMinutes * 60_000 },
    messageRateLimit: { limit: document.messages.rateLimit.limit, windowMs: document.messages.rateLimit.windowMinutes * 60_000 },
    helpdeskFlood: { limit: document.helpdeskFlood.limit, windowMs: document.helpdeskFlood.windowMinutes * 60_000 },
    helpdeskAdmins: document.helpdesk.admins.map((e) => e.toLowerCase()),
    conditionalAccess: document.conditionalAccess ?? { exclusionGroup: '', defaultDays: 0, maxDays: 0 },
    expiryNoticeMs: document.timeBound.noticeHours * HOUR,
    evaluate: (facts: PolicyFacts): Decision => evaluatePolicy(facts, document, identity),
  };
}

function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, issuePath: PropertyKey[]): string {
  // Walk up the path until a node exists (a missing key points at its parent).
  for (let depth = issuePath.length; depth >= 0; depth -= 1) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(issuePath.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return `line ${counter.linePos(node.range[0]).line}, `;
  }
  return '';
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
