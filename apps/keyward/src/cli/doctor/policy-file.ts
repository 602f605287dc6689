import type { KeywardConfig } from '@keyward/config';
import { isAppError } from '@keyward/core';
import { DEFAULT_POLICY_FILE, loadPolicy } from '@keyward/policy';
import type { LoadedPolicy } from '@keyward/policy';
import type { DoctorFinding } from './doctor-finding';

/** The policy as `keyward start` would load it, or the message start-up (and `keyward policy show`) would stop with. */
export type DoctorPolicy = { ok: true; policy: LoadedPolicy; enabledActions: string[] } | { ok: false; message: string };

/**
 * Loads the policy exactly as start-up does (runtime/create-app.ts: `loadPolicy(config.policyFile)`),
 * so a file start-up would refuse is refused here with the same line-numbered message.
 */
export function readDoctorPolicy(config: KeywardConfig): DoctorPolicy {
  try {
    const policy = loadPolicy(config.policyFile);
    return { ok: true, policy, enabledActions: enabledPolicyActions(policy) };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { ok: false, message: error.message };
  }
}

/** Actions Keyward executes: the self-service ones (escalated and refused ones never reach the IdP). */
export function enabledPolicyActions(policy: LoadedPolicy): string[] {
  return Object.entries(policy.document.actions).filter(([, rule]) => rule.mode === 'self_service').map(([action]) => action);
}

export const DEMO_POLICY_DETAIL = 'the bundled demo policy names example.com people as owners and helpdesk admins; write your own policy (README → Policy) and set POLICY_FILE';

/**
 * Critical when the file does not load, and when a real deployment (Slack/Teams, Okta/Entra: not the
 * embedded default) runs the bundled demo policy: its catalogue owners and helpdesk admins are
 * example.com people, so approvals would go to nobody real — or to whoever owns those addresses.
 */
export function evaluatePolicyFile(config: KeywardConfig, read: DoctorPolicy): DoctorFinding[] {
  const area = 'Policy';
  if (!read.ok) return [{ area, check: 'policy file', level: 'critical', detail: read.message }];
  const { policy, enabledActions } = read;
  const findings: DoctorFinding[] = [{ area, check: 'policy file', level: 'ok', detail: `${policy.source} (version ${policy.version}, sha256 ${policy.hash.slice(0, 12)}…); self-service: ${enabledActions.join(', ') || 'none'}` }];
  const demo = config.policyFile === undefined || policy.source === DEFAULT_POLICY_FILE || policy.hash === loadPolicy(DEFAULT_POLICY_FILE).hash;
  if (demo) {
    findings.push(config.embedded
      ? { area, check: 'demo policy', level: 'info', detail: 'the bundled demo policy (fine for the embedded default; a real deployment sets POLICY_FILE)' }
      : { area, check: 'demo policy', level: 'critical', detail: `${config.policyFile === undefined ? 'POLICY_FILE is not set: ' : 'POLICY_FILE is an unchanged copy of the bundled demo policy: '}${DEMO_POLICY_DETAIL}` });
  }
  return findings;
}
