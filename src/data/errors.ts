// DatasetError: a problem with the user's dataset or options that stops a whole operation
// (a missing folder, files that would be overwritten). Problems with single files are not errors:
// they are reported as issues (see issues.ts) and the operation goes on.
export class DatasetError extends Error {
  override name = 'DatasetError';
}
