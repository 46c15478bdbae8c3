// Pure argument parsers shared by the commands (commander calls them with the raw string).
import { UsageError } from './errors.js';

export function parseIntArg(flag: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`${flag} expects an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}, got '${raw}'`);
    return v;
  };
}

export function parseFloatArg(flag: string, min = -Infinity, max = Infinity) {
  return (raw: string): number => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) throw new UsageError(`${flag} expects a number in [${min}, ${max}], got '${raw}'`);
    return v;
  };
}
