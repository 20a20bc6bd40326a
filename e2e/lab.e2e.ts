import { expect, test } from '@playwright/test';
import { labPort } from './playwright.config.js';

test('the lab page loads isotel in the browser', async ({ page }) => {
  await page.goto(`http://127.0.0.1:${labPort}/`);
  await expect(page.locator('#status')).toHaveText('ready');
  const version = await page.evaluate(() => window.isotelLab.core.VERSION);
  expect(version).toMatch(/^\d+\.\d+\.\d+$/);
});
