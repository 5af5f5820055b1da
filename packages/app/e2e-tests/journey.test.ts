/**
 * A developer's whole journey, in the browser, on the journey's portal
 * (packages/backend/dev/e2eBackend.ts: the real portal with the stand-in
 * engine, whose stacks outlive each task): ask for an environment, see it
 * on its entity page, update it with one more role, decommission it.
 *
 * With PORTAL_SCREENSHOTS_DIR set (`yarn screenshots`), the pictures of the
 * README are taken from this run into that directory.
 */
import { expect, Page, test, TestInfo } from '@playwright/test';
import { join } from 'node:path';

const ENVIRONMENT = 'example-org/payments/prod';
const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

function camera(page: Page, testInfo: TestInfo) {
  const directory = process.env.PORTAL_SCREENSHOTS_DIR ?? testInfo.outputDir;
  return (name: string) =>
    page.screenshot({ path: join(directory, `${name}.png`), fullPage: true });
}

/** Waits for the running task to succeed, and opens its catalog entity. */
async function finishTaskAndOpenEntity(page: Page) {
  const entityLink = page.getByRole('link', { name: 'Catalog entity' });
  await expect(entityLink).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText(/^Error:/)).toHaveCount(0);
  return entityLink;
}

/** The entity page, reloaded until the catalog has read what the run published. */
async function expectCard(page: Page, text: string | RegExp) {
  const card = page.getByText(`Pulumi ESC environment ${ENVIRONMENT}`);
  await expect(async () => {
    await page.reload();
    await expect(card).toBeVisible({ timeout: 5_000 });
    await expect(page.locator('body')).toContainText(text, {
      timeout: 5_000,
    });
  }).toPass({ timeout: 90_000 });
}

test('a developer gets an ESC environment, sees it, updates it and decommissions it', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const shoot = camera(page, testInfo);

  // The landing page: the developer's environments, none yet.
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByText('No ESC environments yet')).toBeVisible();
  await page
    .getByRole('button', { name: 'Create an ESC environment' })
    .first()
    .click();

  // The form.
  await page.getByLabel('ESC project').fill('payments');
  await page.getByLabel('Environment name').fill('prod');
  await page.getByLabel('Description').fill('Production payments');
  await expect(page.getByRole('textbox', { name: 'Owner' })).toHaveValue(
    'payments-team',
  );
  await expect(page.getByTestId('catalog-destination')).toContainText(
    'local catalog directory',
  );
  await shoot('form');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByLabel('Role 1')).toHaveValue('Reader');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task: three steps, all done, and where to go next.
  const entityLink = await finishTaskAndOpenEntity(page);
  for (const step of [
    'Provision the Azure identity',
    'Render the catalog entity and the environment YAML',
    'Publish and register the catalog entity',
  ]) {
    await expect(page.getByText(step).first()).toBeVisible();
  }
  await shoot('task');

  // The entity page shows what the run produced.
  await entityLink.click();
  await expectCard(
    page,
    new RegExp(`Reader on\\s*/subscriptions/${SUBSCRIPTION}`),
  );
  await expect(
    page.getByText('5f6e7d8c-0000-4000-8000-000000000001').first(),
  ).toBeVisible();
  await expect(page.getByText('azure:example-org').first()).toBeVisible();
  await expect(page.getByText('Last verification: never run')).toBeVisible();
  await shoot('entity');

  // Update: the form opens with the environment's answers; one more role.
  await page.getByRole('button', { name: 'Update' }).click();
  await expect(page.getByLabel('ESC project')).toHaveValue('payments');
  await expect(page.getByLabel('Environment name')).toHaveValue('prod');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByLabel('Role 1')).toHaveValue('Reader');
  await page.getByRole('button', { name: 'Add a role assignment' }).click();
  await page.getByLabel('Role 2').fill('Contributor');
  await page.keyboard.press('Escape');
  await page.getByLabel('Scope 2').fill('rg-payments');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await (await finishTaskAndOpenEntity(page)).click();
  await expectCard(
    page,
    new RegExp(
      `Contributor on\\s*/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
    ),
  );
  await expect(page.locator('body')).toContainText(
    new RegExp(`Reader on\\s*/subscriptions/${SUBSCRIPTION}`),
  );

  // The landing page lists it among the developer's own, with its access.
  await page.goto('/');
  const row = page.getByRole('row').filter({ hasText: ENVIRONMENT });
  await expect(row).toContainText('payments-team');
  await expect(row).toContainText('Contributor on resource group rg-payments');
  await shoot('environments');
  await row.getByRole('link', { name: ENVIRONMENT }).click();
  await expect(
    page.getByText(`Pulumi ESC environment ${ENVIRONMENT}`),
  ).toBeVisible();

  // Decommission: the environment is chosen; its owner confirms by name.
  await page.getByRole('button', { name: 'Decommission' }).click();
  await page.getByLabel('Confirm with its full name').fill(ENVIRONMENT);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('Removed').first()).toBeVisible({
    timeout: 90_000,
  });
  await expect(page.getByText(/^Error:/)).toHaveCount(0);

  // Gone from the landing page, for everyone.
  await expect(async () => {
    await page.goto('/');
    await page.getByRole('button', { name: 'All' }).click();
    await expect(page.getByText('No ESC environments yet')).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });
});
