/**
 * Starts something on its usual port, or on a free one when that port is taken (EADDRINUSE): the demo
 * should not fail because another program (or a second demo) holds 3000 or 4010. `start(0)` lets the
 * system pick; the caller reads the port it got and prints it.
 */
export async function onFreePort<T>(preferred: number, start: (port: number) => Promise<T>, onTaken: (port: number) => void = () => {}): Promise<T> {
  try {
    return await start(preferred);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || preferred === 0) throw err;
    onTaken(preferred);
    return start(0);
  }
}
