// Global autograd mode: noGrad(fn) runs fn without building a graph (torch.no_grad()).
import { native as N } from './native.js';

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const before = N.isGradEnabled() as boolean;
  N.setGradEnabled(enabled);
  try {
    return fn();
  } finally {
    N.setGradEnabled(before);
  }
}

export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function isGradEnabled(): boolean {
  return N.isGradEnabled() as boolean;
}
