// Polling with a bound: ``step`` runs now and then every ``interval`` ms until it returns true, the page is
// left (``signal`` aborted), or ``limit`` ms have passed (then the page says so and offers a refresh).

export async function poll(signal, step, { interval = 500, limit = 10 * 60 * 1000 } = {}) {
  const deadline = Date.now() + limit;
  while (!signal.aborted) {
    if (await step()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, interval);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
  return false;
}
