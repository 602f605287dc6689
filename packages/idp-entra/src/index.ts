export { createEntraIdentityProvider } from './entra-identity-provider';
export type { EntraAdapterOptions, EntraCredential } from './entra-options';
export { createOidcStepUpVerifier } from './oidc-step-up-verifier';
export type { CallbackResult, OidcStepUpOptions, OidcStepUpVerifier } from './oidc-step-up-verifier';
export { createOidcCallbackHandler } from './oidc-callback-handler';
export { createMemoryKeyValueStore } from './key-value-store';
export type { KeyValueStore } from './key-value-store';
