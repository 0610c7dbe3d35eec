import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a contract's ledger is closed, in its head row: an append reads
 * it with the row it locks, so a custody event racing the close is refused
 * without a second statement while every other append to the contract
 * waits (the contract's status was read on its own, under the lock). Set
 * by the `contract_closed` append; filled here from the contracts closed
 * before it.
 */
export class HeadClosed1764810000000 implements MigrationInterface {
  name = 'HeadClosed1764810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(
      postgres
        ? `ALTER TABLE "ledger_heads" ADD "closed" boolean NOT NULL DEFAULT false`
        : `ALTER TABLE "ledger_heads" ADD COLUMN "closed" boolean NOT NULL DEFAULT (0)`,
    );
    await queryRunner.query(
      `UPDATE "ledger_heads" SET "closed" = ${postgres ? 'true' : '1'}
         WHERE "contract_id" IN (SELECT "id" FROM "contracts" WHERE "status" = 'closed')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "ledger_heads" DROP COLUMN "closed"`);
  }
}
