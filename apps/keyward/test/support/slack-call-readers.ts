import type { RecordedSlackCall } from '@keyward/testkit';

/**
 * Readers for what the product sent to the Slack Web API fake: the tests look at messages the way
 * Slack would render them (fallback text, Block Kit blocks, buttons), not at the product's internals.
 */

/** Plain text of a recorded chat.postMessage / chat.update: fallback text plus every block. */
export function callText(call: RecordedSlackCall): string {
  const text = typeof call.body['text'] === 'string' ? call.body['text'] : '';
  return `${text}\n${JSON.stringify(call.body['blocks'] ?? [])}`;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The number to tap, as the product shows it: the plain-text header block of the push prompt. */
export function pushNumberShown(call: RecordedSlackCall): number | undefined {
  const blocks = call.body['blocks'];
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks) {
    if (!isObject(block) || block['type'] !== 'header' || !isObject(block['text'])) continue;
    const text = block['text']['text'];
    if (typeof text === 'string' && /^\d{1,2}$/.test(text.trim())) return Number(text.trim());
  }
  return undefined;
}

/** Buttons of a bot message: action id and value, as Slack would send them back on a click. */
export function buttonsOf(call: RecordedSlackCall): { actionId: string; value: string; label: string }[] {
  const blocks = call.body['blocks'];
  if (!Array.isArray(blocks)) return [];
  const out: { actionId: string; value: string; label: string }[] = [];
  for (const block of blocks) {
    if (!isObject(block) || block['type'] !== 'actions' || !Array.isArray(block['elements'])) continue;
    for (const element of block['elements']) {
      if (!isObject(element) || typeof element['action_id'] !== 'string') continue;
      const label = isObject(element['text']) && typeof element['text']['text'] === 'string' ? element['text']['text'] : '';
      out.push({ actionId: element['action_id'], value: typeof element['value'] === 'string' ? element['value'] : '', label });
    }
  }
  return out;
}

/** The ts Slack assigned to a recorded post (needed to click its buttons). */
export function postedTs(call: RecordedSlackCall): string {
  const ts = call.response['ts'];
  if (typeof ts !== 'string') throw new Error(`post has no ts: ${JSON.stringify(call.response)}`);
  return ts;
}
