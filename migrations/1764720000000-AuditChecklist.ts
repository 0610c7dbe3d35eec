import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The on-site audit as a checklist (立入調査, seed 000): the checklist a ward
 * sets per contract, on audits the answers and the subcontractor a
 * contractor audited, the findings (是正措置) with their state; and the
 * status reports (業務に関する報告) a ward requests and a contractor answers.
 * Audits recorded before have no checklist and no subcontractor.
 */
export class AuditChecklist1764720000000 implements MigrationInterface {
  name = 'AuditChecklist1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const sql of postgres ? POSTGRES : SQLITE) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_status_reports_contract"`);
    await queryRunner.query(`DROP TABLE "status_reports"`);
    await queryRunner.query(`DROP INDEX "idx_audit_findings_contract_state"`);
    await queryRunner.query(`DROP TABLE "audit_findings"`);
    await queryRunner.query(`DROP TABLE "audit_checklists"`);
    await queryRunner.query(`ALTER TABLE "audits" DROP COLUMN "checklist"`);
    await queryRunner.query(`ALTER TABLE "audits" DROP COLUMN "subcontractor_organization_id"`);
  }
}

const CHECKLIST_COLUMNS = (v: (n: number) => string) =>
  `"contract_id" ${v(36)} NOT NULL, "version" integer NOT NULL, "title" ${v(200)} NOT NULL, "sections" text NOT NULL, "set_by_user_id" ${v(36)} NOT NULL, "set_at" ${v(24)} NOT NULL, "seq" integer NOT NULL`;

const FINDING_COLUMNS = (v: (n: number) => string) =>
  `"id" ${v(36)} NOT NULL, "contract_id" ${v(36)} NOT NULL, "audit_id" ${v(36)} NOT NULL, "item_id" ${v(64)} NOT NULL, "item_label" ${v(200)} NOT NULL, "item_text" ${v(2000)} NOT NULL, "corrective_action" ${v(2000)} NOT NULL, "due_on" ${v(10)} NOT NULL, "owner_organization_id" ${v(36)} NOT NULL, "auditor_organization_id" ${v(36)} NOT NULL, "state" ${v(16)} NOT NULL, "state_note" ${v(2000)}, "state_changed_at" ${v(24)} NOT NULL, "state_seq" integer NOT NULL`;

const REPORT_COLUMNS = (v: (n: number) => string) =>
  `"id" ${v(36)} NOT NULL, "contract_id" ${v(36)} NOT NULL, "state" ${v(16)} NOT NULL, "requested_by_user_id" ${v(36)} NOT NULL, "requested_at" ${v(24)} NOT NULL, "request_note" ${v(2000)}, "requested_seq" integer NOT NULL, "answered_by_user_id" ${v(36)}, "answered_at" ${v(24)}, "statement" ${v(4000)}, "holdings" text, "answered_seq" integer`;

const sqlite = (n: number) => `varchar(${n})`;
const primary = (columns: string, key: string) =>
  columns.replace(`"${key}" varchar(36) NOT NULL`, `"${key}" varchar(36) PRIMARY KEY NOT NULL`);

const SQLITE = [
  `CREATE TABLE "audit_checklists" (${primary(CHECKLIST_COLUMNS(sqlite), 'contract_id')})`,
  `CREATE TABLE "audit_findings" (${primary(FINDING_COLUMNS(sqlite), 'id')})`,
  `CREATE INDEX "idx_audit_findings_contract_state" ON "audit_findings" ("contract_id", "state") `,
  `CREATE TABLE "status_reports" (${primary(REPORT_COLUMNS(sqlite), 'id')})`,
  `CREATE INDEX "idx_status_reports_contract" ON "status_reports" ("contract_id", "requested_at") `,
  `ALTER TABLE "audits" ADD COLUMN "subcontractor_organization_id" varchar(36)`,
  `ALTER TABLE "audits" ADD COLUMN "checklist" text`,
];

const postgres = (n: number) => `character varying(${n})`;

const POSTGRES = [
  `CREATE TABLE "audit_checklists" (${CHECKLIST_COLUMNS(postgres)}, CONSTRAINT "PK_85607acad0c3f7472a67a420523" PRIMARY KEY ("contract_id"))`,
  `CREATE TABLE "audit_findings" (${FINDING_COLUMNS(postgres)}, CONSTRAINT "PK_b66fb855ac062aabeccdd4ec1b4" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_audit_findings_contract_state" ON "audit_findings"  ("contract_id", "state") `,
  `CREATE TABLE "status_reports" (${REPORT_COLUMNS(postgres)}, CONSTRAINT "PK_5b303afd85233dce17c88c519ca" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_status_reports_contract" ON "status_reports"  ("contract_id", "requested_at") `,
  `ALTER TABLE "audits" ADD "subcontractor_organization_id" character varying(36)`,
  `ALTER TABLE "audits" ADD "checklist" text`,
];
