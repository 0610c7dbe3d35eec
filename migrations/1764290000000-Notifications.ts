import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reminders: notifications with their idempotency keys, inboxes, webhooks and their deliveries, completed scans. */
export class Notifications1764290000000 implements MigrationInterface {
  name = 'Notifications1764290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'reminder_scans',
      'webhook_deliveries',
      'webhooks',
      'notification_recipients',
      'notifications',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}

const SQLITE = [
  `CREATE TABLE "notifications" ("id" varchar(36) PRIMARY KEY NOT NULL, "idempotency_key" varchar(200) NOT NULL, "kind" varchar(32) NOT NULL, "contract_id" varchar(36) NOT NULL, "subject_id" varchar(36), "due_on" varchar(10), "lead_days" integer, "as_of" varchar(10) NOT NULL, "title" varchar(300) NOT NULL, "message" varchar(2000) NOT NULL, "data" text NOT NULL, "created_at" varchar(24) NOT NULL)`,
  `CREATE INDEX "idx_notifications_contract" ON "notifications" ("contract_id") `,
  `CREATE UNIQUE INDEX "uq_notifications_idempotency_key" ON "notifications" ("idempotency_key") `,
  `CREATE TABLE "notification_recipients" ("notification_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "created_at" varchar(24) NOT NULL, "read_at" varchar(24), PRIMARY KEY ("notification_id", "user_id"))`,
  `CREATE INDEX "idx_notification_recipients_user" ON "notification_recipients" ("user_id", "created_at") `,
  `CREATE TABLE "webhooks" ("organization_id" varchar(36) PRIMARY KEY NOT NULL, "url" varchar(2000) NOT NULL, "secret" varchar(256) NOT NULL, "updated_by_user_id" varchar(36) NOT NULL, "updated_at" varchar(24) NOT NULL)`,
  `CREATE TABLE "webhook_deliveries" ("id" varchar(36) PRIMARY KEY NOT NULL, "notification_id" varchar(36) NOT NULL, "organization_id" varchar(36) NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL, "created_at" varchar(24) NOT NULL, "enqueued_at" varchar(24), "last_attempt_at" varchar(24), "last_status_code" integer, "last_error" varchar(1000), "completed_at" varchar(24))`,
  `CREATE INDEX "idx_webhook_deliveries_organization" ON "webhook_deliveries" ("organization_id", "created_at") `,
  `CREATE INDEX "idx_webhook_deliveries_status" ON "webhook_deliveries" ("status", "enqueued_at") `,
  `CREATE UNIQUE INDEX "uq_webhook_deliveries_notification_organization" ON "webhook_deliveries" ("notification_id", "organization_id") `,
  `CREATE TABLE "reminder_scans" ("as_of" varchar(10) PRIMARY KEY NOT NULL, "completed_at" varchar(24) NOT NULL, "raised" integer NOT NULL)`,
];

const POSTGRES = [
  `CREATE TABLE "notifications" ("id" character varying(36) NOT NULL, "idempotency_key" character varying(200) NOT NULL, "kind" character varying(32) NOT NULL, "contract_id" character varying(36) NOT NULL, "subject_id" character varying(36), "due_on" character varying(10), "lead_days" integer, "as_of" character varying(10) NOT NULL, "title" character varying(300) NOT NULL, "message" character varying(2000) NOT NULL, "data" text NOT NULL, "created_at" character varying(24) NOT NULL, CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_notifications_contract" ON "notifications"  ("contract_id") `,
  `CREATE UNIQUE INDEX "uq_notifications_idempotency_key" ON "notifications"  ("idempotency_key") `,
  `CREATE TABLE "notification_recipients" ("notification_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "created_at" character varying(24) NOT NULL, "read_at" character varying(24), CONSTRAINT "PK_dc5211d456f98a47de5e069f477" PRIMARY KEY ("notification_id", "user_id"))`,
  `CREATE INDEX "idx_notification_recipients_user" ON "notification_recipients"  ("user_id", "created_at") `,
  `CREATE TABLE "webhooks" ("organization_id" character varying(36) NOT NULL, "url" character varying(2000) NOT NULL, "secret" character varying(256) NOT NULL, "updated_by_user_id" character varying(36) NOT NULL, "updated_at" character varying(24) NOT NULL, CONSTRAINT "PK_1263da9f2a66fe09006bd86130e" PRIMARY KEY ("organization_id"))`,
  `CREATE TABLE "webhook_deliveries" ("id" character varying(36) NOT NULL, "notification_id" character varying(36) NOT NULL, "organization_id" character varying(36) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL, "created_at" character varying(24) NOT NULL, "enqueued_at" character varying(24), "last_attempt_at" character varying(24), "last_status_code" integer, "last_error" character varying(1000), "completed_at" character varying(24), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_webhook_deliveries_organization" ON "webhook_deliveries"  ("organization_id", "created_at") `,
  `CREATE INDEX "idx_webhook_deliveries_status" ON "webhook_deliveries"  ("status", "enqueued_at") `,
  `CREATE UNIQUE INDEX "uq_webhook_deliveries_notification_organization" ON "webhook_deliveries"  ("notification_id", "organization_id") `,
  `CREATE TABLE "reminder_scans" ("as_of" character varying(10) NOT NULL, "completed_at" character varying(24) NOT NULL, "raised" integer NOT NULL, CONSTRAINT "PK_bfbf4e8b10978270b5f2aa239aa" PRIMARY KEY ("as_of"))`,
];
