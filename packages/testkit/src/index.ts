export * from './okta';
export * from './slack';
export * from './openai';
