// @ts-check

/**
 * What the golden path keeps of its checks, in the scaffolder's database:
 * the results of verify and drift checks per environment, and the progress
 * of the drift round under way, so that a round a restart interrupted
 * resumes where it stopped.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('pulumi_azure_oidc_checks', table => {
    table.comment('Results of verify and drift checks of ESC environments');
    table.bigIncrements('id').primary();
    table
      .string('environment_ref', 320)
      .notNullable()
      .comment('organization/project/environment');
    table.string('kind', 16).notNullable().comment('verify or drift');
    table.string('status', 16).notNullable();
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table.text('result').notNullable().comment('The checks, as JSON');
    table.index(
      ['environment_ref', 'kind', 'id'],
      'pulumi_azure_oidc_checks_latest',
    );
  });
  await knex.schema.createTable('pulumi_azure_oidc_drift_rounds', table => {
    table.comment('Drift rounds across every environment');
    table.bigIncrements('id').primary();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('pulumi_azure_oidc_drift_progress', table => {
    table.comment('Environments a drift round has checked');
    table
      .bigInteger('round_id')
      .notNullable()
      .references('id')
      .inTable('pulumi_azure_oidc_drift_rounds')
      .onDelete('CASCADE');
    table.string('environment_ref', 320).notNullable();
    table.primary(['round_id', 'environment_ref']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('pulumi_azure_oidc_drift_progress');
  await knex.schema.dropTable('pulumi_azure_oidc_drift_rounds');
  await knex.schema.dropTable('pulumi_azure_oidc_checks');
};
