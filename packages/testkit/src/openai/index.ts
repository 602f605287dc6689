export { createOpenAiFake } from './openai-fake';
export type { OpenAiFake, OpenAiFakeModel, OpenAiFakeOptions, OpenAiFakeReply, OpenAiFakeRequestView, RecordedOpenAiCall } from './openai-fake';
export { strictSchemaProblems } from './openai-wire-format';
export type { ChatCompletionRequest, ChatMessage, JsonSchemaFormat } from './openai-wire-format';
