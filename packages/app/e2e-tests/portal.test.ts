import { expect, test } from '@playwright/test';

test('a guest signs in on the ESC environments and finds the template', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  // The landing page is the user's ESC environments.
  await expect(
    page.getByRole('heading', { name: 'ESC environments' }).first(),
  ).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'ESC environments' }),
  ).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Catalog' })).toBeVisible();

  await page.goto('/create');
  await expect(
    page.getByText('Azure identity for a Pulumi ESC environment'),
  ).toBeVisible();
});
