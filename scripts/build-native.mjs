// Builds native/ (the libtorch addon) with node-gyp against the libtorch that find-libtorch.mjs locates.
// Run by `npm install` and by `npm run build:native`; exits non-zero with an actionable message on failure.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch, explainNotFound } from './find-libtorch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function nodeGypCommand() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) {
    return [process.execPath, process.env.npm_config_node_gyp];
  }
  try { return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')]; } catch { /* not a dependency */ }
  const bundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return [process.execPath, bundled];
  return ['node-gyp'];
}

function nodeDirArgs() {
  // Use the Node headers installed on the machine; otherwise node-gyp tries to download them.
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

const { found, tried } = findLibtorch();
if (!found) {
  console.error(explainNotFound(tried));
  process.exit(1);
}
console.error(`yolotrim: building the native addon against libtorch from ${found.source}${found.cuda ? ' (CUDA)' : ''}` +
  `${found.distributed ? '' : ' (no c10d/Gloo in it: data-parallel training disabled)'}`);
const env = {
  ...process.env,
  YOLOTRIM_TORCH_INCLUDES: found.includes.join(' '),
  YOLOTRIM_TORCH_LIBDIR: found.libDir,
  YOLOTRIM_TORCH_CXX11_ABI: String(found.cxx11abi),
  YOLOTRIM_TORCH_CUDA: found.cuda ? '1' : '0',
  YOLOTRIM_TORCH_DIST: found.distributed ? '1' : '0',
};
const jobs = process.env.JOBS ?? 'max';
const [cmd, ...pre] = nodeGypCommand();
// Rebuild from clean when the libtorch changed; otherwise let make recompile only what changed.
const stamp = path.join(root, 'build', 'libtorch.json');
const previous = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
const steps = previous === JSON.stringify(found) ? [['configure'], ['build']] : [['rebuild']];
try {
  for (const step of steps) {
    execFileSync(cmd, [...pre, ...step, `--jobs=${jobs}`, ...nodeDirArgs()], { cwd: root, env, stdio: 'inherit' });
  }
  writeFileSync(stamp, JSON.stringify(found));
} catch {
  console.error([
    'yolotrim: the native addon failed to compile (see the compiler output above).',
    `libtorch used: ${found.source}`,
    'Check that a C++17 compiler (g++ >= 9), make and python3 are installed, and that the libtorch',
    'headers match its libraries. Set LIBTORCH=/path/to/libtorch to choose another libtorch, then run',
    '  npm run build:native',
  ].join('\n'));
  process.exit(1);
}
