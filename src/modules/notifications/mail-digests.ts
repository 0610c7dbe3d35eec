import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import type { IsoDate } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';

/**
 * The daily digests, made by the reminder scan of each day: for every user
 * whose notifications wait for a digest (raised while they chose `digest`,
 * still unread, in no digest yet), one mail of that day listing them. The
 * unique (user, day) key makes a second scan of the day add none; what is
 * raised after the day's digest waits for the next day's.
 */
@Injectable()
export class MailDigests {
  private readonly logger = new Logger('MailDigests');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Writes the digests of `day`; returns how many. Nothing without SMTP_URL. */
  async compose(day: IsoDate): Promise<number> {
    if (!this.config.mailEnabled) return 0;
    const made = await this.tx.run(async (manager) => {
      const sql = new Sql(manager);
      const users = await sql.all<{ user_id: string }>(
        `SELECT DISTINCT r.user_id FROM notification_recipients r JOIN users u ON u.id = r.user_id
          WHERE r.mail = 'digest' AND r.mail_delivery_id IS NULL AND r.read_at IS NULL
            AND u.active = ? AND u.email IS NOT NULL AND u.mail_mode <> 'off'
          ORDER BY r.user_id`,
        [true],
      );
      const createdAt = this.clock.now().toISOString();
      let count = 0;
      for (const { user_id: userId } of users) {
        const inserted = await sql.all<{ id: string }>(
          `INSERT INTO mail_deliveries (id, user_id, kind, digest_on, status, attempts, created_at)
           VALUES (?, ?, 'digest', ?, 'pending', 0, ?)
           ON CONFLICT DO NOTHING
           RETURNING id`,
          [randomUUID(), userId, day, createdAt],
        );
        const id = inserted[0]?.id;
        if (!id) continue;
        await sql.run(
          `UPDATE notification_recipients SET mail_delivery_id = ?
            WHERE user_id = ? AND mail = 'digest' AND mail_delivery_id IS NULL AND read_at IS NULL`,
          [id, userId],
        );
        count++;
      }
      return count;
    });
    if (made > 0) this.logger.log(`digests of ${day}: ${made}`);
    return made;
  }
}
