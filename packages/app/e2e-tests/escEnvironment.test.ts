import { expect, Page, test } from '@playwright/test';

async function openTemplate(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Create' })
    .click();
  // The nearest block around the template's title that holds a Choose button.
  await page
    .getByRole('heading', {
      name: 'Azure identity for a Pulumi ESC environment',
      exact: true,
    })
    .locator('xpath=ancestor::*[.//button[normalize-space()="Choose"]][1]')
    .getByRole('button', { name: 'Choose' })
    .click();
  await expect(page.getByLabel('Pulumi organization')).toHaveValue(
    'example-org',
  );
}

test('a developer asks for an ESC environment, corrects what the form refuses, and sees the outcome', async ({
  page,
}) => {
  await openTemplate(page);

  // Environment: a name ESC would refuse is refused here, with ESC's rule.
  await page.getByLabel('ESC project').fill('payments');
  await page.getByLabel('Environment name').fill('prod env');
  // The owner is one of the user's groups; the guest has exactly one.
  await expect(page.getByRole('textbox', { name: 'Owner' })).toHaveValue(
    'payments-team',
  );
  // Where the entity goes is the platform's choice, shown, not asked.
  await expect(page.getByTestId('catalog-destination')).toHaveText(
    "The portal's local catalog directory, registered in the catalog at once.",
  );
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText(
      "'Environment name' must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    ),
  ).toBeVisible();
  await page.getByLabel('Environment name').fill('prod');
  await page.getByRole('button', { name: 'Next' }).click();

  // Azure access: a privileged role is refused before anything is sent.
  await expect(page.getByLabel('Subscription')).toContainText(
    'Example subscription',
  );
  await page.getByLabel('Role 1').fill('Owner');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText(
      "'Role assignments' 1. role names 'Owner', a privileged role (it can grant access to others) that this portal does not allow",
      { exact: false },
    ),
  ).toBeVisible();
  await page.getByLabel('Role 1').fill('Reader');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Next' }).click();

  // Advanced: what the platform does not offer is shown, off, with the reason.
  await expect(
    page.getByRole('checkbox', {
      name: 'Create the environment in Pulumi Cloud',
    }),
  ).toBeDisabled();
  await expect(
    page.getByText(
      'Cannot be used: this portal has no Pulumi Cloud access token',
      { exact: false },
    ),
  ).toBeVisible();
  // A new environment starts with the subject that serves importers and stacks.
  const subject = page.getByRole('button', { name: /^Whom tokens name/ });
  await expect(subject).toContainText(
    'The environment holding the login (recommended)',
  );
  await expect(
    page.getByText('Tokens name this environment whoever opens it', {
      exact: false,
    }),
  ).toBeVisible();
  // The plain subject says what it breaks; the IaC subject needs the platform.
  const chooseSubject = async (name: string) => {
    await subject.click();
    await page.getByRole('option', { name }).click();
  };
  await chooseSubject('The environment that was opened (plain subject)');
  await expect(
    page.getByText(
      'environments that import this one, and Pulumi stacks, cannot log in with it',
      { exact: false },
    ),
  ).toBeVisible();
  await expect(
    page.getByRole('checkbox', {
      name: 'Also trust Pulumi IaC stacks that import this environment',
    }),
  ).toBeDisabled();
  await chooseSubject('The environment holding the login (recommended)');
  await page.getByRole('button', { name: 'Review' }).click();
  const review = page.getByRole('table');
  await expect(review).toContainText('payments');
  await expect(review).toContainText('group:default/payments-team');
  await expect(review).toContainText('Reader');

  // Submitted: without a Pulumi CLI, the provision step says how to fix it.
  await page.getByRole('button', { name: 'Create' }).click();
  // The task's error banner (its log repeats the error).
  await expect(
    page
      .getByText("Error: The Pulumi CLI is not on the backend's PATH.")
      .first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    page.getByText('Provision the Azure identity').first(),
  ).toBeVisible();
  // Only the steps that apply to the platform's destination, and no server
  // path or stack trace in what the task shows.
  await expect(
    page.getByText('Publish and register the catalog entity'),
  ).toBeVisible();
  await expect(page.getByText(/GitHub|Azure DevOps/)).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(/ at .*\.(ts|js):\d+/);
});
