export * from './okta';
export * from './slack';
