import { expect, test } from '@isotel/core/playwright';
import { labPort } from './playwright.config.js';

// Which of a page's own unload listeners `page.close()` runs in Chromium, and whether the
// recorder (`@isotel/core/playwright`) hears what they emit: the facts docs/playwright.md states.
// Each listener also leaves a mark in localStorage, which the next page of the origin reads.

const lab = `http://127.0.0.1:${labPort}/`;
const types = ['beforeunload', 'pagehide', 'visibilitychange'] as const;

for (const runBeforeUnload of [false, true]) {
  test(`page.close({ runBeforeUnload: ${runBeforeUnload} }) runs the page's pagehide and visibilitychange listeners${runBeforeUnload ? ', beforeunload too, and all are recorded' : ', not beforeunload, and none is recorded'}`, async ({
    context,
    telemetry,
  }) => {
    const page = await context.newPage();
    await page.goto(lab);
    await expect(page.locator('#status')).toHaveText('ready');
    await page.evaluate((all) => {
      localStorage.clear();
      const { core } = window.isotelLab;
      for (const type of all) {
        (type === 'visibilitychange' ? document : window).addEventListener(type, () => {
          localStorage.setItem(`ran.${type}`, 'yes');
          core.emit(`lab.unload.${type}`);
        });
      }
    }, types);
    const closed = page.waitForEvent('close');
    await page.close({ runBeforeUnload });
    await closed;
    const next = await context.newPage();
    await next.goto(lab);
    const ran = await next.evaluate(
      (all) => all.filter((type) => localStorage.getItem(`ran.${type}`) === 'yes'),
      types,
    );
    expect(ran).toEqual(
      runBeforeUnload ? ['beforeunload', 'pagehide', 'visibilitychange'] : ['pagehide', 'visibilitychange'],
    );
    if (runBeforeUnload) {
      for (const type of types) await telemetry.waitForEvent(`lab.unload.${type}`, { timeout: 5000 });
    } else {
      for (const type of types) await telemetry.expectNoEvent(`lab.unload.${type}`, { within: 500 });
    }
  });
}
