#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly through tsx (no build step): `npx keyward <command>`.
require('tsx/cjs');
require('../src/main.ts');
