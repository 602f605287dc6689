export { createGraphFake } from './graph-fake';
export type { GraphFake, GraphFakeOptions, GraphFault, GraphLoggedRequest } from './graph-fake';
export { ENTRA_ROLES, GraphDirectory, INTEGRATED_APP_TAG } from './graph-fake-state';
export type { GraphRoleSeed, GraphSeedApp, GraphSeedGroup, GraphSeedUser } from './graph-fake-state';
