export { createConsoleSurface, dmChannelId, HELPDESK_CHANNEL_ID } from './console-surface';
export type { ConsoleSurface, ConsoleSurfaceOptions } from './console-surface';
export { createConsoleHttpHandler } from './console-http-handler';
export type { ConsoleHttpHandler, ConsoleHttpHandlerOptions } from './console-http-handler';
export type { ConsoleDirectory, ConsolePerson, ConsoleRole } from './console-directory';
export type { PendingPush, PhoneSimulator, PushAnswer, PushAnswerOutcome } from './phone-simulator';
export type { ConsoleEscalation, ConsoleEvent, ConsoleEventListener, ConsoleMessage } from './console-event';
export { CONSOLE_BIND_HOST, isLoopbackHost } from './loopback';
export { CONSOLE_NOTE_MAX_LENGTH } from './console-api';
