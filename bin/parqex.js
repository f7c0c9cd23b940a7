#!/usr/bin/env node
// `npx parqex` runs whatever `node` is first on PATH; npm puts the project's
// pinned Node 24 (node_modules/.bin/node) there, which strips TypeScript types.
import { enableCompileCache } from 'node:module';

// V8 keeps what it compiled (type stripping included) in the system's temp
// folder between starts: loading the modules is most of a cold start.
// NODE_COMPILE_CACHE=DIR moves it; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
enableCompileCache();
await import('../src/main.ts');
