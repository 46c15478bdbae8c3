// --device for the commands: the runtime's check, loaded on use so `--help` needs no addon.
export async function checkDevice(device: string | undefined): Promise<'cpu'> {
  const { resolveDevice } = await import('../torch/runtime.js');
  return resolveDevice(device);
}
