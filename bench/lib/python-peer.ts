// A long-lived Python process that answers JSON commands line by line: the PyTorch side of a
// benchmark, run alternately with the TypeScript side in the same run.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export const PYTHON = process.env.YOLOTRIM_PYTHON ?? '/usr/bin/python3';

export function pythonHasTorch(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

export class PythonPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private exited: Error | null = null;
  private onExit: ((e: Error) => void) | null = null;

  constructor(script: string) {
    this.child = spawn(PYTHON, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(line);
      } else this.lines.push(line);
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`python peer exited with code ${code}`);
      this.onExit?.(this.exited);
    });
  }

  private next(): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.onExit = reject;
    });
  }

  async request<T>(msg: unknown): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(msg)}\n`);
    return JSON.parse(await this.next()) as T;
  }

  close(): void {
    this.child.stdin.end();
  }
}

export { median } from '../../src/eval/numeric.js';
