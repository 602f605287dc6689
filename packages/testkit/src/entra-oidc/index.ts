export { createEntraIdentityFake, signJwt } from './entra-identity-fake';
export type { EntraIdentityFake, EntraIdentityFakeOptions, EntraSignIn } from './entra-identity-fake';
