export { createOktaFake } from './okta-fake-server';
export type { OktaFake, OktaFakeOptions, UserSnapshot } from './okta-fake-server';
export { demoDirectory, DEMO_APP_IDS, DEMO_GROUP_IDS, DEMO_USER_IDS } from './demo-directory';
export type * from './okta-fake-types';
