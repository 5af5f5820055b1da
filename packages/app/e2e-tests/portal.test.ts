import { expect, test } from '@playwright/test';

test('a guest signs in and finds the ESC environment template', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(nav.getByRole('link', { name: 'Catalog' })).toBeVisible();

  await page.goto('/create');
  await expect(
    page.getByText('Azure identity for a Pulumi ESC environment'),
  ).toBeVisible();
});
