// The console's JSON API. Errors carry the server's sentence, which the page shows as a toast.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(path, { method = 'GET', body } = {}) {
  const init = { method, cache: 'no-store', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'The console server is not reachable. Is Keyward still running?');
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data?.error;
    throw new ApiError(response.status, error?.code ?? 'http', error?.message ?? `Request failed (${response.status}).`);
  }
  return data;
}

const q = (chatUserId) => `chatUserId=${encodeURIComponent(chatUserId)}`;

export const api = {
  people: () => call('/console/api/people'),
  conversation: (chatUserId) => call(`/console/api/conversation?${q(chatUserId)}`),
  escalations: () => call('/console/api/escalations'),
  audit: () => call('/console/api/audit'),
  phone: (chatUserId) => call(`/console/api/phone?${q(chatUserId)}`),
  answerPhone: (chatUserId, transactionId, choice) =>
    call('/console/api/phone/answer', { method: 'POST', body: { chatUserId, transactionId, choice } }),
  send: (chatUserId, text) => call('/console/api/messages', { method: 'POST', body: { chatUserId, text } }),
  // `carrier` is the message or case card that showed the button; `channelId` is the DM or 'helpdesk'.
  click: (chatUserId, carrier, button, { channelId, note } = {}) =>
    call('/console/api/actions', {
      method: 'POST',
      body: {
        chatUserId,
        actionId: button.actionId,
        value: button.value,
        messageId: carrier.id,
        threadId: carrier.threadId,
        ...(channelId ? { channelId } : {}),
        ...(note ? { note } : {}),
      },
    }),
};
