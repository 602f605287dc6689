#!/usr/bin/env node
'use strict';
/**
 * Architecture check run by `npm test`:
 * 1. every `@keyward/*` import in a workspace is declared in its package.json
 *    (dependencies for src, devDependencies allowed for tests);
 * 2. the package graph has no cycles;
 * 3. `core` imports no internal package and `policy` only `core` (DESIGN.md dependency rule);
 * 4. no deep imports into another package's src.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const workspaces = ['packages', 'apps'].flatMap((dir) =>
  fs.readdirSync(path.join(root, dir)).map((name) => path.join(root, dir, name)).filter((p) => fs.existsSync(path.join(p, 'package.json'))),
);
const problems = [];
const graph = new Map();

function files(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(full);
    return /\.(ts|js)$/.test(entry.name) ? [full] : [];
  });
}

for (const ws of workspaces) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ws, 'package.json'), 'utf8'));
  const deps = new Set(Object.keys(pkg.dependencies ?? {}));
  const devDeps = new Set(Object.keys(pkg.devDependencies ?? {}));
  const edges = new Set();
  for (const file of [...files(path.join(ws, 'src')), ...files(path.join(ws, 'test'))]) {
    const text = fs.readFileSync(file, 'utf8');
    const isTest = /\.test\.ts$|[\\/]test[\\/]|[\\/]testing[\\/]/.test(file);
    for (const match of text.matchAll(/(?:from\s+|import\(|require\()\s*['"](@keyward\/[a-z-]+|keyward)(\/[^'"]*)?['"]/g)) {
      const name = match[1];
      const sub = match[2] ?? '';
      const rel = path.relative(root, file);
      if (name === pkg.name) continue;
      if (sub.startsWith('/src')) problems.push(`${rel}: deep import ${name}${sub}; use the package's exports`);
      if (!deps.has(name) && !(isTest && devDeps.has(name))) problems.push(`${rel}: imports ${name}, not declared in ${path.relative(root, ws)}/package.json`);
      if (!isTest) edges.add(name);
    }
  }
  graph.set(pkg.name, edges);
  if (pkg.name === '@keyward/core' && edges.size > 0) problems.push(`@keyward/core must import no internal package (imports ${[...edges].join(', ')})`);
  if (pkg.name === '@keyward/policy' && [...edges].some((e) => e !== '@keyward/core')) problems.push('@keyward/policy may import only @keyward/core');
}

const state = new Map();
function visit(node, trail) {
  if (state.get(node) === 'done') return;
  if (state.get(node) === 'active') {
    problems.push(`import cycle: ${[...trail.slice(trail.indexOf(node)), node].join(' -> ')}`);
    return;
  }
  state.set(node, 'active');
  for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
  state.set(node, 'done');
}
for (const node of graph.keys()) visit(node, []);

if (problems.length > 0) {
  console.error(`Architecture check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`Architecture check: ${graph.size} workspaces, no undeclared imports, no cycles.`);
