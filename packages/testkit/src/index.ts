export * from './okta';
export * from './slack';
export * from './openai';
export * from './graph';
export * from './entra-oidc';
export * from './teams';
