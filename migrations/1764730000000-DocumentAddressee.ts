import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How documents issued to an organization address it (宛名): a deletion
 * certificate a ward files as is opens with 「新宿区長 殿」, not with the
 * organization's name in the register. Empty for existing organizations,
 * whose certificates keep addressing the organization by name (「… 御中」).
 */
export class DocumentAddressee1764730000000 implements MigrationInterface {
  name = 'DocumentAddressee1764730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD COLUMN "document_addressee" ${postgres ? 'character varying' : 'varchar'}(100)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "document_addressee"`);
  }
}
