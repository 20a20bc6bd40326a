/** Polls `probe` every 20 ms until it gives a value (a rejection counts as none); that value. */
export async function until<T>(probe: () => Promise<T | undefined>, timeout = 3000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
