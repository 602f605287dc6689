import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadPolicy } from '@keyward/policy';
import { OKTA_SPEC_FILE, itWithSharedFile, oktaSpecScopes } from '@keyward/testkit';
import { OKTA_ACCESS_BY_ACTION, OKTA_ROW_FOR_POLICY_ACTION, neededOktaRows, oktaAccess, renderOktaAccessTable, requiredOktaScopes } from './okta-permissions';
import type { OktaAccessKey } from './okta-permissions';
import { OKTA_DANGEROUS_SCOPES, OKTA_DOCTOR_SCOPES } from './okta-privileges';
import { enabledPolicyActions } from './policy-file';

/*
 * OKTA_ACCESS_BY_ACTION is the one list of Okta access: the doctor checks it, README shows it,
 * .env.example and infra/terraform/okta derive from it. These tests fail when any of them drifts, and
 * when the list stops matching the operations the adapter calls or the scopes Okta's spec declares.
 */
const ROOT = path.resolve(__dirname, '../../../../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const KEYS = Object.keys(OKTA_ACCESS_BY_ACTION) as OktaAccessKey[];
const DEFAULT_SCOPES = requiredOktaScopes(enabledPolicyActions(loadPolicy()));

/** The README text from `start` to the next heading of the same or a higher level. */
function section(readme: string, start: string): string {
  const from = readme.indexOf(`\n${start}\n`);
  expect(from).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(start)?.[0].length ?? 3;
  const next = new RegExp(`\\n#{1,${level}} `, 'g');
  next.lastIndex = from + start.length + 2;
  const end = next.exec(readme)?.index ?? readme.length;
  return readme.slice(from, end);
}

/** `name = ["a", "b"]` entries of the HCL block that starts with `opening` (one entry a line, as terraform fmt keeps it). */
function hclLists(tf: string, opening: string): Map<string, string[]> {
  const body = tf.slice(tf.indexOf(opening) + opening.length, tf.indexOf('\n  }', tf.indexOf(opening)));
  return new Map([...body.matchAll(/^\s+(\w+)\s+= \[(.*)\]$/gm)].map((m) => [m[1] as string, [...(m[2] as string).matchAll(/"([^"]+)"/g)].map((q) => q[1] as string)]));
}

describe('Okta access list', () => {
  it('is the table README "Okta" shows, and README and .env.example give the default policy\'s OKTA_SCOPES', () => {
    const readme = read('README.md');
    expect(readme).toContain(renderOktaAccessTable());
    expect(section(readme, '### Okta')).toContain(`\`OKTA_SCOPES="${DEFAULT_SCOPES.join(' ')}"\``);
    expect(/^OKTA_SCOPES="([^"]*)"$/m.exec(read('.env.example'))?.[1]).toBe(DEFAULT_SCOPES.join(' '));
  });

  it('README names no Okta scope outside the list (the Okta section and the doctor section)', () => {
    const readme = read('README.md');
    const known = new Set([...KEYS.flatMap((key) => [...oktaAccess(key).scopes, ...(oktaAccess(key).optionalScopes ?? []), ...oktaAccess(key).permissions]), ...OKTA_DOCTOR_SCOPES, ...Object.keys(OKTA_DANGEROUS_SCOPES)]);
    const text = `${section(readme, '### Okta')}${section(readme, '### Before go-live and after every change: `npx keyward doctor`')}`;
    const named = [...text.matchAll(/\bokta\.[A-Za-z]+(?:\.[A-Za-z]+)+/g)].map((m) => m[0]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((s) => !known.has(s))).toEqual([]);
  });

  itWithSharedFile(OKTA_SPEC_FILE)("gives every operation the adapter calls, with the scope Okta's spec declares for it, and no other scope", () => {
    const specScope = oktaSpecScopes();
    for (const key of KEYS) {
      const row = oktaAccess(key);
      const fromSpec = new Set(row.operations.flatMap((op) => specScope.get(op) ?? [`${op}: not in the spec`]));
      expect([key, [...fromSpec].sort()]).toEqual([key, [...row.scopes, ...(row.optionalScopes ?? [])].sort()]);
    }
    const adapter = ['okta-identity-provider.ts', 'okta-push-verifier.ts'].map((file) => read(`packages/idp-okta/src/${file}`)).join('\n');
    const called = new Set([...adapter.matchAll(/callOkta\(deps, '(\w+)'/g)].map((m) => m[1] as string));
    expect(called.size).toBeGreaterThan(10);
    const listed = new Set(KEYS.flatMap((key) => oktaAccess(key).operations));
    expect([...called].filter((op) => !listed.has(op))).toEqual([]);
  });

  it('maps every policy action but privileged access (never automated) to a row', () => {
    const actions = Object.keys(loadPolicy().document.actions);
    expect(actions.filter((a) => a !== 'privileged_access_request' && !OKTA_ROW_FOR_POLICY_ACTION[a])).toEqual([]);
    expect(OKTA_ROW_FOR_POLICY_ACTION.privileged_access_request).toBeUndefined();
  });

  it('needs only the look-ups when nothing is self-service, and the push with any action', () => {
    expect(neededOktaRows([])).toEqual(['lookup']);
    expect(neededOktaRows(['account_unlock'])).toEqual(['lookup', 'push_step_up', 'account_unlock']);
    expect(neededOktaRows(['conditional_access_change'])).toEqual(['lookup', 'push_step_up', 'group_membership']);
  });

  it('is what infra/terraform/okta grants: the same rows, scopes and custom-role permissions, and the default policy\'s actions by default', () => {
    const tf = read('infra/terraform/okta/main.tf');
    const scopes = hclLists(tf, 'action_scopes = {');
    const permissions = hclLists(tf, 'action_permissions = {');
    const actions: OktaAccessKey[] = KEYS.filter((key) => key !== 'lookup' && key !== 'push_step_up');
    expect([...scopes.keys()].sort()).toEqual([...actions].sort());
    for (const key of actions) {
      expect([key, scopes.get(key)]).toEqual([key, [...oktaAccess(key).scopes]]);
      expect([key, permissions.get(key)]).toEqual([key, [...oktaAccess(key).permissions]]);
    }
    const base = /^\s+base_scopes\s+= \[(.*)\]$/m.exec(tf)?.[1] ?? '';
    expect([...base.matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort()).toEqual([...new Set([...oktaAccess('lookup').scopes, ...oktaAccess('push_step_up').scopes, ...OKTA_DOCTOR_SCOPES])].sort());
    const defaults = /variable "enabled_actions" \{[\s\S]*?default\s+= \[(.*)\]/.exec(read('infra/terraform/okta/variables.tf'))?.[1] ?? '';
    const defaultRows = neededOktaRows(enabledPolicyActions(loadPolicy())).filter((key) => actions.includes(key));
    expect([...defaults.matchAll(/"([^"]+)"/g)].map((m) => m[1])).toEqual(defaultRows);
  });
});
