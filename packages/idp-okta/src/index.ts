export { createOktaIdentityProvider } from './okta-identity-provider';
export { createOktaPushVerifier } from './okta-push-verifier';
export type { OktaAdapterOptions, OktaAuth } from './okta-options';
