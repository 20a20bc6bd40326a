import { expect, test } from '@playwright/test';

test('a click in the playground emits an event that the page shows', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Emit an event' }).click();
  await expect(page.getByRole('region', { name: 'Emitted events' })).toContainText('playground.button.click');
});
