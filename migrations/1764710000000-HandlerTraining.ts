import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trained handlers (従事者に対する教育, 特記事項 §18) and the emergency plan
 * (事故等への対応体制): the trainings recorded on each contract, the plan's
 * contacts and incident procedure, and the contract's terms. Contracts
 * registered before neither require training nor a plan: their handlers
 * were rostered, and may have handed media over, without either on record;
 * new contracts require both unless the ward says otherwise.
 */
export class HandlerTraining1764710000000 implements MigrationInterface {
  name = 'HandlerTraining1764710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const sql of postgres ? POSTGRES : SQLITE) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "emergency_plans"`);
    await queryRunner.query(`DROP INDEX "idx_handler_trainings_contract_user"`);
    await queryRunner.query(`DROP TABLE "handler_trainings"`);
    for (const column of ['require_emergency_plan', 'training_valid_months', 'require_training']) {
      await queryRunner.query(`ALTER TABLE "contracts" DROP COLUMN "${column}"`);
    }
  }
}

const TRAINING_COLUMNS = (v: (n: number) => string) =>
  `"id" ${v(36)} NOT NULL, "contract_id" ${v(36)} NOT NULL, "user_id" ${v(36)} NOT NULL, "organization_id" ${v(36)} NOT NULL, "trained_on" ${v(10)} NOT NULL, "course" ${v(200)} NOT NULL, "trainer" ${v(200)} NOT NULL, "recorded_by_user_id" ${v(36)} NOT NULL, "recorded_at" ${v(24)} NOT NULL, "seq" integer NOT NULL`;

const PLAN_COLUMNS = (v: (n: number) => string) =>
  `"contract_id" ${v(36)} NOT NULL, "ward_contacts" text NOT NULL, "contractor_contacts" text NOT NULL, "procedure_text" ${v(4000)}, "procedure_document_ref" ${v(500)}, "procedure_recorded_at" ${v(24)}, "ward_confirmed_on" ${v(10)}, "ward_confirmed_by_user_id" ${v(36)}, "contractor_confirmed_on" ${v(10)}, "contractor_confirmed_by_user_id" ${v(36)}, "updated_at" ${v(24)} NOT NULL`;

const sqlite = (n: number) => `varchar(${n})`;
const postgres = (n: number) => `character varying(${n})`;

const SQLITE = [
  `CREATE TABLE "handler_trainings" (${TRAINING_COLUMNS(sqlite).replace('"id" varchar(36) NOT NULL', '"id" varchar(36) PRIMARY KEY NOT NULL')})`,
  `CREATE INDEX "idx_handler_trainings_contract_user" ON "handler_trainings" ("contract_id", "user_id") `,
  `CREATE TABLE "emergency_plans" (${PLAN_COLUMNS(sqlite).replace('"contract_id" varchar(36) NOT NULL', '"contract_id" varchar(36) PRIMARY KEY NOT NULL')})`,
  `ALTER TABLE "contracts" ADD COLUMN "require_training" boolean NOT NULL DEFAULT (0)`,
  `ALTER TABLE "contracts" ADD COLUMN "training_valid_months" integer NOT NULL DEFAULT (12)`,
  `ALTER TABLE "contracts" ADD COLUMN "require_emergency_plan" boolean NOT NULL DEFAULT (0)`,
];

const POSTGRES = [
  `CREATE TABLE "handler_trainings" (${TRAINING_COLUMNS(postgres)}, CONSTRAINT "PK_handler_trainings" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_handler_trainings_contract_user" ON "handler_trainings" ("contract_id", "user_id") `,
  `CREATE TABLE "emergency_plans" (${PLAN_COLUMNS(postgres)}, CONSTRAINT "PK_emergency_plans" PRIMARY KEY ("contract_id"))`,
  `ALTER TABLE "contracts" ADD "require_training" boolean NOT NULL DEFAULT false`,
  `ALTER TABLE "contracts" ADD "training_valid_months" integer NOT NULL DEFAULT 12`,
  `ALTER TABLE "contracts" ADD "require_emergency_plan" boolean NOT NULL DEFAULT false`,
];
