import type { InboundAction, InboundHandlers, InboundMessage, RevealedSecret } from '@keyward/core';

export interface RecordingHandlers extends InboundHandlers {
  readonly messages: InboundMessage[];
  readonly actions: InboundAction[];
  readonly reveals: InboundAction[];
}

/** Records every call; `reveal` decides what onRevealSecret returns (or throws). */
export function createRecordingHandlers(
  reveal: (action: InboundAction) => Promise<RevealedSecret> = async () => ({
    title: 'Your reset link',
    secret: 'https://sandbox.example.test/reset/one-time',
    note: 'Opens once, expires in 1 hour.',
    isLink: true,
  }),
): RecordingHandlers {
  const messages: InboundMessage[] = [];
  const actions: InboundAction[] = [];
  const reveals: InboundAction[] = [];
  return {
    messages,
    actions,
    reveals,
    async onMessage(message) {
      messages.push(message);
    },
    async onAction(action) {
      actions.push(action);
    },
    async onRevealSecret(action) {
      reveals.push(action);
      return reveal(action);
    },
  };
}
