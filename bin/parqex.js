#!/usr/bin/env node
// `npx parqex` runs whatever `node` is first on PATH; npm puts the project's
// pinned Node 24 (node_modules/.bin/node) there, which strips TypeScript types.
import '../src/main.ts';
