#!/usr/bin/env node
// In a source checkout (src/ and tsx present) run the TypeScript directly; otherwise the built dist/.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('../', import.meta.url);
const source = new URL('src/cli/main.ts', root);

function hasTsx() {
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

let entry;
if (existsSync(source) && process.env.YOLOTRIM_USE_DIST !== '1' && hasTsx()) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source.href;
} else {
  entry = new URL('dist/cli/main.js', root).href;
}
const { run } = await import(entry);
process.exitCode = await run(process.argv.slice(2));
