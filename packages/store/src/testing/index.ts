// Test support for packages that run the store on PGlite under Jest. The Jest environment itself is
// referenced by path in a docblock, not exported here (importing it would load Jest into the sandbox).
export { createHostPGlite, HOST_PGLITE_GLOBAL } from './host-pglite';
