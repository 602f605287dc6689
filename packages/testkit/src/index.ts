export * from './okta';
export * from './slack';
export * from './openai';
export * from './graph';
export * from './entra-oidc';
export * from './teams';
export { OKTA_SPEC_FILE, SHARED_DIR, describeWithSharedFile, itWithSharedFile, oktaSpecScopes, sharedFile } from './shared-data';
