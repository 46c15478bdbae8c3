// Locates a libtorch (headers + shared libraries) to build the native addon against.
// Order: $LIBTORCH, a pip-installed PyTorch, the system package, then (Debian/Ubuntu as root)
// installing libtorch-dev with apt-get. Every attempt is recorded so a failure can say what was tried.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const HEADER = path.join('ATen', 'ATen.h');
const API_INCLUDE = path.join('torch', 'csrc', 'api', 'include');

function layoutAt(includeDir, libDir) {
  if (!existsSync(path.join(includeDir, HEADER))) return { ok: false, why: `no ${HEADER} under ${includeDir}` };
  const libs = ['libtorch.so', 'libtorch_cpu.so', 'libc10.so'];
  const missing = libs.filter((l) => !existsSync(path.join(libDir, l)) && !existsSync(path.join(libDir, l.replace('.so', '.dylib'))));
  if (missing.length) return { ok: false, why: `missing ${missing.join(', ')} in ${libDir}` };
  return { ok: true };
}

function describe(source, includeDir, libDir, cxx11abi) {
  const includes = [includeDir];
  const api = path.join(includeDir, API_INCLUDE);
  if (existsSync(api)) includes.push(api);
  const cuda = existsSync(path.join(libDir, 'libtorch_cuda.so'));
  return { source, includes, libDir, cxx11abi, cuda, distributed: hasGloo(libDir) };
}

function hasGloo(libDir) {
  // Data-parallel training needs libtorch's c10d with Gloo (ProcessGroupGloo's constructor exported);
  // a build without it (USE_DISTRIBUTED=0) still gets every other op. When nm cannot tell, assume it is there.
  try {
    const out = execFileSync('nm', ['-D', '--defined-only', path.join(libDir, 'libtorch_cpu.so')], { encoding: 'utf8', maxBuffer: 256 << 20 });
    return /_ZN4c10d16ProcessGroupGlooC[12]E/.test(out);
  } catch {
    return true;
  }
}

function abiFromLibrary(libDir) {
  // The CXX11 ABI mangles std::string as std::__cxx11::basic_string; old-ABI builds lack that symbol.
  try {
    const out = execFileSync('nm', ['-DC', path.join(libDir, 'libc10.so')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return out.includes('std::__cxx11::') ? 1 : 0;
  } catch {
    return 1;
  }
}

function fromEnv(tried) {
  const root = process.env.LIBTORCH;
  if (!root) { tried.push('LIBTORCH: not set'); return null; }
  const check = layoutAt(path.join(root, 'include'), path.join(root, 'lib'));
  if (!check.ok) { tried.push(`LIBTORCH=${root}: ${check.why}`); return null; }
  return describe(`LIBTORCH=${root}`, path.join(root, 'include'), path.join(root, 'lib'), abiFromLibrary(path.join(root, 'lib')));
}

function fromPip(tried) {
  const pythons = [...new Set([process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean))];
  for (const py of pythons) {
    let info;
    try {
      const code = 'import json, os, torch; print(json.dumps({"dir": os.path.dirname(torch.__file__), "abi": int(torch._C._GLIBCXX_USE_CXX11_ABI)}))';
      info = JSON.parse(execFileSync(py, ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000 }));
    } catch {
      tried.push(`${py}: no importable torch`);
      continue;
    }
    const inc = path.join(info.dir, 'include');
    const lib = path.join(info.dir, 'lib');
    const check = layoutAt(inc, lib);
    if (!check.ok) { tried.push(`${py} torch at ${info.dir}: ${check.why}`); continue; }
    return describe(`PyTorch (${py}) at ${info.dir}`, inc, lib, info.abi);
  }
  return null;
}

function multiarchLibDirs() {
  const dirs = [];
  try { dirs.push(path.join('/usr/lib', execFileSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).trim())); } catch { /* no gcc */ }
  dirs.push('/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib');
  return [...new Set(dirs)];
}

function fromSystem(tried) {
  for (const inc of ['/usr/include', '/usr/local/include']) {
    for (const lib of multiarchLibDirs()) {
      if (layoutAt(inc, lib).ok) return describe(`system package (${inc}, ${lib})`, inc, lib, abiFromLibrary(lib));
    }
  }
  tried.push('system: no ATen/ATen.h in /usr/include or /usr/local/include with libtorch.so beside it');
  return null;
}

function isDebianRoot() {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
}

function installWithApt(tried, log) {
  if (!isDebianRoot()) { tried.push('apt-get: not Debian/Ubuntu as root, not attempted'); return null; }
  if (process.env.YOLOTRIM_NO_APT) { tried.push('apt-get: skipped (YOLOTRIM_NO_APT is set)'); return null; }
  log('yolotrim: no libtorch found; installing Debian/Ubuntu package libtorch-dev with apt-get ...');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'libtorch-dev'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  } catch (e) {
    tried.push(`apt-get install libtorch-dev: failed (${e.message.split('\n')[0]})`);
    return null;
  }
  return fromSystem(tried);
}

export function findLibtorch({ allowInstall = true, log = console.error } = {}) {
  const tried = [];
  const explicit = Boolean(process.env.LIBTORCH);
  const found = fromEnv(tried) ?? (explicit ? null : fromPip(tried) ?? fromSystem(tried) ?? (allowInstall ? installWithApt(tried, log) : null));
  return { found, tried };
}

export function explainNotFound(tried) {
  return [
    'yolotrim: cannot build the native addon: no libtorch (PyTorch C++ library) was found.',
    'Tried, in order:',
    ...tried.map((t) => `  - ${t}`),
    'Fix it with one of:',
    '  - Debian/Ubuntu:   sudo apt-get install libtorch-dev   (then: npm rebuild yolotrim)',
    '  - any Linux/macOS: download LibTorch (CPU or CUDA) from pytorch.org, unzip it, then',
    '                     LIBTORCH=/path/to/libtorch npm rebuild yolotrim',
    '  - with pip:        pip install torch   (its bundled C++ headers and libraries are used)',
    process.env.LIBTORCH ? '(LIBTORCH is set, so only that folder was tried: unset it to search the other places.)' : '',
  ].filter(Boolean).join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { found, tried } = findLibtorch({ allowInstall: false });
  if (!found) { console.error(explainNotFound(tried)); process.exit(1); }
  console.log(JSON.stringify(found, null, 2));
}
