/**
 * The subset of Slack's Block Kit limits the fake enforces, so a renderer that would be rejected by
 * real Slack (`invalid_blocks`) is rejected here too. Limits from Slack's Block Kit reference:
 * section text 3000, section fields 10 x 2000, header 150 (plain_text only), context 10 elements,
 * actions 25 elements with action_id unique within the block, button text 75, value 2000,
 * modal title/submit/close 24, 50 blocks per message, 100 per modal; input block label 2000 with a
 * plain_text_input (placeholder 150, min/max_length 0–3000); a modal with an input block needs
 * `submit`; `private_metadata` at most 3000 characters, `callback_id` at most 255.
 */
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkText(obj: unknown, where: string, max: number, problems: string[], plainOnly = false): void {
  if (!isObject(obj) || typeof obj['text'] !== 'string') {
    problems.push(`${where}: must be a text object`);
    return;
  }
  const type = obj['type'];
  if (type !== 'plain_text' && type !== 'mrkdwn') problems.push(`${where}: type must be plain_text or mrkdwn`);
  if (plainOnly && type !== 'plain_text') problems.push(`${where}: must be plain_text`);
  if (type === 'plain_text' && 'verbatim' in obj) problems.push(`${where}: verbatim is only valid on mrkdwn`);
  if (obj['text'].length === 0) problems.push(`${where}: text must not be empty`);
  if (obj['text'].length > max) problems.push(`${where}: must be at most ${max} characters`);
}

function checkPlainTextInput(element: unknown, where: string, problems: string[]): void {
  if (!isObject(element) || element['type'] !== 'plain_text_input') {
    problems.push(`${where}: only plain_text_input is modelled by the fake`);
    return;
  }
  const actionId = element['action_id'];
  if (actionId !== undefined && (typeof actionId !== 'string' || actionId.length === 0 || actionId.length > 255)) {
    problems.push(`${where}.action_id: max 255`);
  }
  if (element['placeholder'] !== undefined) checkText(element['placeholder'], `${where}.placeholder`, 150, problems, true);
  for (const key of ['min_length', 'max_length']) {
    const n = element[key];
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 3000)) problems.push(`${where}.${key}: 0 to 3000`);
  }
  const min = element['min_length'];
  const max = element['max_length'];
  if (typeof min === 'number' && typeof max === 'number' && min > max) problems.push(`${where}: min_length above max_length`);
}

function checkBlock(block: unknown, index: number, problems: string[], allowInput: boolean): void {
  const where = `blocks[${index}]`;
  if (!isObject(block)) {
    problems.push(`${where}: must be an object`);
    return;
  }
  switch (block['type']) {
    case 'section': {
      if (block['text'] === undefined && block['fields'] === undefined) problems.push(`${where}: needs text or fields`);
      if (block['text'] !== undefined) checkText(block['text'], `${where}.text`, 3000, problems);
      const fields = block['fields'];
      if (fields !== undefined) {
        if (!Array.isArray(fields) || fields.length > 10) problems.push(`${where}.fields: at most 10`);
        else fields.forEach((f, i) => checkText(f, `${where}.fields[${i}]`, 2000, problems));
      }
      return;
    }
    case 'header':
      checkText(block['text'], `${where}.text`, 150, problems, true);
      return;
    case 'context': {
      const elements = block['elements'];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
        problems.push(`${where}.elements: 1 to 10 required`);
        return;
      }
      elements.forEach((e, i) => checkText(e, `${where}.elements[${i}]`, 3000, problems));
      return;
    }
    case 'actions': {
      const elements = block['elements'];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
        problems.push(`${where}.elements: 1 to 25 required`);
        return;
      }
      const seen = new Set<string>();
      elements.forEach((e, i) => {
        const at = `${where}.elements[${i}]`;
        if (!isObject(e) || e['type'] !== 'button') {
          problems.push(`${at}: only buttons are modelled by the fake`);
          return;
        }
        checkText(e['text'], `${at}.text`, 75, problems, true);
        const actionId = e['action_id'];
        if (typeof actionId !== 'string' || actionId.length > 255) problems.push(`${at}.action_id: required, max 255`);
        else if (seen.has(actionId)) problems.push(`${at}.action_id: duplicate action_id ${actionId} in block`);
        else seen.add(actionId);
        const value = e['value'];
        if (value !== undefined && (typeof value !== 'string' || value.length > 2000)) problems.push(`${at}.value: max 2000`);
        const style = e['style'];
        if (style !== undefined && style !== 'primary' && style !== 'danger') problems.push(`${at}.style: primary or danger`);
      });
      return;
    }
    case 'divider':
      return;
    case 'input':
      if (!allowInput) {
        problems.push(`${where}: input blocks are only modelled in modals`);
        return;
      }
      checkText(block['label'], `${where}.label`, 2000, problems, true);
      checkPlainTextInput(block['element'], `${where}.element`, problems);
      if (block['optional'] !== undefined && typeof block['optional'] !== 'boolean') problems.push(`${where}.optional: boolean`);
      return;
    default:
      problems.push(`${where}: unsupported block type ${String(block['type'])}`);
  }
}

/** Returns the problems Slack would list in `response_metadata.messages`; empty when valid. */
export function validateBlocks(blocks: unknown, maxBlocks: number, allowInput = false): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks: must be an array'];
  if (blocks.length > maxBlocks) problems.push(`blocks: at most ${maxBlocks}`);
  blocks.forEach((b, i) => checkBlock(b, i, problems, allowInput));
  return problems;
}

/** Validates a `views.open` / `views.update` modal payload. */
export function validateModal(view: unknown): string[] {
  if (!isObject(view)) return ['view: must be an object'];
  const problems: string[] = [];
  if (view['type'] !== 'modal') problems.push('view.type: must be modal');
  checkText(view['title'], 'view.title', 24, problems, true);
  if (view['close'] !== undefined) checkText(view['close'], 'view.close', 24, problems, true);
  if (view['submit'] !== undefined) checkText(view['submit'], 'view.submit', 24, problems, true);
  const metadata = view['private_metadata'];
  if (metadata !== undefined && (typeof metadata !== 'string' || metadata.length > 3000)) problems.push('view.private_metadata: string, max 3000');
  const callbackId = view['callback_id'];
  if (callbackId !== undefined && (typeof callbackId !== 'string' || callbackId.length > 255)) problems.push('view.callback_id: string, max 255');
  problems.push(...validateBlocks(view['blocks'], 100, true));
  const blocks = Array.isArray(view['blocks']) ? view['blocks'] : [];
  if (view['submit'] === undefined && blocks.some((b) => isObject(b) && b['type'] === 'input')) {
    problems.push('view.submit: required when the view has an input block');
  }
  const blockIds = blocks.map((b) => (isObject(b) ? b['block_id'] : undefined)).filter((id) => typeof id === 'string');
  if (new Set(blockIds).size !== blockIds.length) problems.push('view.blocks: duplicate block_id');
  return problems;
}
