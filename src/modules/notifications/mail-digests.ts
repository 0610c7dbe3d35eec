import { timeOrderedUuid } from '../../common/ids/time-ordered-uuid.js';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import type { IsoDate } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { insertMany } from '../../database/insert-many.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';

/** Users per UPDATE that hands their waiting notifications to their new digests. */
const USERS_PER_UPDATE = 10_000;

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
      // Through the partial index of recipients due for a digest: the
      // notifications already in a digest, read or not mailed are not visited.
      const users = await sql.all<{ user_id: string }>(
        `SELECT DISTINCT r.user_id FROM notification_recipients r JOIN users u ON u.id = r.user_id
          WHERE r.mail = 'digest' AND r.mail_delivery_id IS NULL AND r.read_at IS NULL
            AND u.active = ? AND u.email IS NOT NULL AND u.mail_mode <> 'off'
          ORDER BY r.user_id`,
        [true],
      );
      if (users.length === 0) return 0;
      const now = this.clock.now();
      const createdAt = now.toISOString();
      // A user who has the day's digest already (a second scan) gets none.
      const made = await insertMany(
        sql,
        'mail_deliveries',
        [
          ['id', 'varchar'],
          ['user_id', 'varchar'],
          ['digest_on', 'varchar'],
          ['created_at', 'varchar'],
        ],
        [
          ['kind', "'digest'"],
          ['status', "'pending'"],
          ['attempts', '0'],
        ],
        users.map(({ user_id: userId }) => [timeOrderedUuid(now), userId, day, createdAt] as const),
        'ON CONFLICT DO NOTHING',
        true,
      );
      // Each new digest takes what waited for its user, in one statement.
      for (let start = 0; start < made.length; start += USERS_PER_UPDATE) {
        const ids = made.slice(start, start + USERS_PER_UPDATE).map((m) => m[0]);
        // The new digests' ids as one PostgreSQL array, compared per row (a
        // JSON set there was joined again for every row); on SQLite a JSON
        // array, which it reads once into a list.
        await sql.run(
          `UPDATE notification_recipients SET mail_delivery_id = m.id
             FROM mail_deliveries m
            WHERE m.id ${sql.isPostgres ? '= ANY(?::varchar[])' : 'IN (SELECT value FROM json_each(?))'}
              AND notification_recipients.user_id = m.user_id
              AND notification_recipients.mail = 'digest'
              AND notification_recipients.mail_delivery_id IS NULL
              AND notification_recipients.read_at IS NULL`,
          [sql.isPostgres ? ids : JSON.stringify(ids)],
        );
      }
      return made.length;
    });
    if (made > 0) this.logger.log(`digests of ${day}: ${made}`);
    return made;
  }
}
