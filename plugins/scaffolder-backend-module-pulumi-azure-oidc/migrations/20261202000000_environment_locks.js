// @ts-check

/**
 * One change per environment at a time, across backend replicas: a lease
 * on the environment, held by the task that changes it and renewed while it
 * runs, so that a replica that dies lets go when the lease expires.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(
    'pulumi_azure_oidc_environment_locks',
    table => {
      table.comment('Leases on ESC environments being changed');
      table
        .string('environment_key', 320)
        .primary()
        .comment('organization/project/environment, in lower case');
      table.string('holder', 64).notNullable().comment('One acquisition');
      table
        .string('held_for', 600)
        .notNullable()
        .comment('Whom it is held for, for those who wait');
      table
        .bigInteger('expires_at')
        .notNullable()
        .comment('Epoch milliseconds');
    },
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('pulumi_azure_oidc_environment_locks');
};
