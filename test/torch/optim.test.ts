import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as T from '../../src/torch/index.js';
import { SGD, Adam, AdamW, type NamedParam, type Optimizer, type GroupOptions } from '../../src/torch/optim/index.js';

interface Golden {
  params: number[][];
  shapes: number[][];
  grads: number[][][];
  cases: Record<string, { groups: Record<string, number | boolean | number[]>[]; steps: number[][][] }>;
}
const golden = JSON.parse(readFileSync(new URL('../golden/optim.json', import.meta.url), 'utf8')) as Golden;

function groupOptions(g: Record<string, number | boolean | number[]>): Record<string, number | boolean> {
  const o: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(g)) {
    if (k === 'betas') [o.beta1, o.beta2] = v as number[];
    else if (k === 'weight_decay') o.weightDecay = v as number;
    else o[k] = v as number | boolean;
  }
  return o;
}

function makeOptimizer(name: string, params: NamedParam[]): Optimizer<GroupOptions> {
  const [g0, g1] = golden.cases[name]!.groups.map(groupOptions);
  const groups = [{ params: [params[0]!], options: g0 }, { params: [params[1]!], options: g1 }];
  const lr = g0!.lr as number;
  if (name.startsWith('sgd')) return new SGD(groups, { lr }) as unknown as Optimizer<GroupOptions>;
  if (name === 'adam') return new Adam(groups, { lr }) as unknown as Optimizer<GroupOptions>;
  return new AdamW(groups, { lr }) as unknown as Optimizer<GroupOptions>;
}

function freshParams(): NamedParam[] {
  return golden.params.map((values, i) => ({
    name: `p${i}`,
    tensor: T.keep(T.tensor(Float64Array.from(values), { shape: golden.shapes[i] }).requiresGrad_()),
  }));
}

function applyStep(opt: Optimizer<GroupOptions>, params: NamedParam[], k: number): void {
  T.scope(() => {
    params.forEach((p, i) => p.tensor.setGrad(T.tensor(Float64Array.from(golden.grads[k]![i]!), { shape: golden.shapes[i] })));
    opt.step();
  });
}

function assertClose(actual: number[], expected: number[], what: string): void {
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) <= 1e-12 + 1e-10 * Math.abs(expected[i]!), `${what}[${i}]: ${a} vs ${expected[i]}`));
}

for (const name of Object.keys(golden.cases)) {
  test(`${name} matches torch.optim step for step`, () => {
    const params = freshParams();
    const opt = makeOptimizer(name, params);
    golden.cases[name]!.steps.forEach((expected, k) => {
      applyStep(opt, params, k);
      params.forEach((p, i) => assertClose(p.tensor.toArray(), expected[i]!, `${name} step ${k} p${i}`));
    });
    opt.dispose();
    params.forEach((p) => T.unkeep(p.tensor).dispose());
  });

  test(`${name} resumes exactly from a saved state`, () => {
    const params = freshParams();
    const opt = makeOptimizer(name, params);
    applyStep(opt, params, 0);
    applyStep(opt, params, 1);
    const saved = opt.stateDict();
    const snapshot = { ...saved, tensors: new Map([...saved.tensors].map(([k, t]) => [k, T.keep(t.clone())])) };
    opt.dispose();
    const resumed = makeOptimizer(name, params);
    resumed.loadStateDict(snapshot);
    applyStep(resumed, params, 2);
    applyStep(resumed, params, 3);
    params.forEach((p, i) => assertClose(p.tensor.toArray(), golden.cases[name]!.steps[3]![i]!, `${name} resumed p${i}`));
    resumed.dispose();
    for (const t of snapshot.tensors.values()) T.unkeep(t).dispose();
    params.forEach((p) => T.unkeep(p.tensor).dispose());
  });
}

test('a parameter in two groups is refused', () => {
  const p = { name: 'w', tensor: T.ones([2]).requiresGrad_() };
  assert.throws(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }), /in two groups/);
  p.tensor.dispose();
});
