/** Bot scopes the Slack surface uses (README "Slack app"). */
export const SLACK_REQUIRED_SCOPES = ['chat:write', 'im:history', 'im:read', 'im:write', 'users:read', 'users:read.email'];

export interface SlackProbeResult {
  team?: string;
  user?: string;
  /** From the `x-oauth-scopes` response header Slack sends on Web API calls; undefined when absent. */
  scopes?: string[];
}

/** `auth.test` (Slack Web API): proves the token works and says which bot and workspace it is. */
export async function probeSlack(botToken: string, apiUrl = 'https://slack.com/api/'): Promise<SlackProbeResult> {
  const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  const res = await fetch(`${base}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(10_000) });
  const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string; team?: string; user?: string };
  if (!body.ok) throw new Error(`auth.test failed: ${body.error ?? `HTTP ${res.status}`}`);
  const header = res.headers.get('x-oauth-scopes');
  return { team: body.team, user: body.user, scopes: header ? header.split(',').map((s) => s.trim()).filter(Boolean) : undefined };
}
