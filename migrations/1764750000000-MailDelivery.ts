import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications by e-mail: a user's address and how they want their mails
 * (`immediate`, one `digest` a day at the scan, or `off`); for each inbox
 * row, whether it goes by mail and which mail carries it; and the mails
 * themselves, an outbox like webhook deliveries (the row, not Redis, is the
 * truth). A mail row holds its state and the last error's code, never its
 * text: the message is composed from the notification at each attempt.
 * Existing users have no address, so nothing changes for them.
 */
export class MailDelivery1764750000000 implements MigrationInterface {
  name = 'MailDelivery1764750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const sql of postgres ? POSTGRES : SQLITE) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_mail_deliveries_status"`);
    await queryRunner.query(`DROP INDEX "uq_mail_deliveries_user_digest"`);
    await queryRunner.query(`DROP INDEX "uq_mail_deliveries_notification_user"`);
    await queryRunner.query(`DROP TABLE "mail_deliveries"`);
    await queryRunner.query(`DROP INDEX "idx_notification_recipients_mail_delivery"`);
    for (const column of ['mail_delivery_id', 'mail']) {
      await queryRunner.query(`ALTER TABLE "notification_recipients" DROP COLUMN "${column}"`);
    }
    for (const column of ['mail_mode', 'email']) {
      await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "${column}"`);
    }
  }
}

const MAIL_COLUMNS = (v: (n: number) => string) =>
  `"id" ${v(36)} NOT NULL, "user_id" ${v(36)} NOT NULL, "kind" ${v(16)} NOT NULL, "notification_id" ${v(36)}, "digest_on" ${v(10)}, "status" ${v(16)} NOT NULL, "attempts" integer NOT NULL, "created_at" ${v(24)} NOT NULL, "enqueued_at" ${v(24)}, "last_attempt_at" ${v(24)}, "attempt_deadline" ${v(24)}, "next_attempt_at" ${v(24)}, "last_status_code" integer, "last_error" ${v(100)}, "completed_at" ${v(24)}`;

const INDEXES = [
  `CREATE UNIQUE INDEX "uq_mail_deliveries_notification_user" ON "mail_deliveries" ("notification_id", "user_id") `,
  `CREATE UNIQUE INDEX "uq_mail_deliveries_user_digest" ON "mail_deliveries" ("user_id", "digest_on") `,
  `CREATE INDEX "idx_mail_deliveries_status" ON "mail_deliveries" ("status", "enqueued_at") `,
  `CREATE INDEX "idx_notification_recipients_mail_delivery" ON "notification_recipients" ("mail_delivery_id") `,
];

const sqlite = (n: number) => `varchar(${n})`;
const postgres = (n: number) => `character varying(${n})`;

const SQLITE = [
  `ALTER TABLE "users" ADD COLUMN "email" varchar(254)`,
  `ALTER TABLE "users" ADD COLUMN "mail_mode" varchar(16) NOT NULL DEFAULT ('immediate')`,
  `ALTER TABLE "notification_recipients" ADD COLUMN "mail" varchar(16)`,
  `ALTER TABLE "notification_recipients" ADD COLUMN "mail_delivery_id" varchar(36)`,
  `CREATE TABLE "mail_deliveries" (${MAIL_COLUMNS(sqlite).replace('"id" varchar(36) NOT NULL', '"id" varchar(36) PRIMARY KEY NOT NULL')})`,
  ...INDEXES,
];

const POSTGRES = [
  `ALTER TABLE "users" ADD "email" character varying(254)`,
  `ALTER TABLE "users" ADD "mail_mode" character varying(16) NOT NULL DEFAULT 'immediate'`,
  `ALTER TABLE "notification_recipients" ADD "mail" character varying(16)`,
  `ALTER TABLE "notification_recipients" ADD "mail_delivery_id" character varying(36)`,
  `CREATE TABLE "mail_deliveries" (${MAIL_COLUMNS(postgres)}, CONSTRAINT "PK_mail_deliveries" PRIMARY KEY ("id"))`,
  ...INDEXES,
];
