import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATE_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * A business day whose daily reminder scan has completed. The scheduler
 * scans every day after the last one here, so days missed while Redis or
 * the service was down are caught up.
 */
@Entity({ name: 'reminder_scans' })
export class ReminderScanEntity {
  @PrimaryColumn({ name: 'as_of', type: 'varchar', length: DATE_LENGTH })
  asOf: string;

  @Column({ name: 'completed_at', type: 'varchar', length: INSTANT_LENGTH })
  completedAt: string;

  /** Notifications this scan created (0 when an earlier run had created them). */
  @Column({ type: 'integer' })
  raised: number;
}
