import { ContractSubcontractorEntity } from '../modules/contracts/entities/contract-subcontractor.entity.js';
import { ContractEntity } from '../modules/contracts/entities/contract.entity.js';
import { RosterEntryEntity } from '../modules/contracts/entities/roster-entry.entity.js';
import { HandlerTrainingEntity } from '../modules/contracts/entities/handler-training.entity.js';
import { EmergencyPlanEntity } from '../modules/emergency/entities/emergency-plan.entity.js';
import { AuthTokenEntity } from '../modules/identity/entities/auth-token.entity.js';
import { OrganizationEntity } from '../modules/identity/entities/organization.entity.js';
import { UserEntity } from '../modules/identity/entities/user.entity.js';
import { RecoveryCodeEntity } from '../modules/identity/entities/recovery-code.entity.js';
import { LoginThrottleEntity } from '../modules/identity/entities/login-throttle.entity.js';
import { OrganizationCertificateEntity } from '../modules/identity/entities/organization-certificate.entity.js';
import { HandoverItemEntity } from '../modules/custody/entities/handover-item.entity.js';
import { HandoverEntity } from '../modules/custody/entities/handover.entity.js';
import { IncidentEntity } from '../modules/custody/entities/incident.entity.js';
import { MediumEntity } from '../modules/custody/entities/medium.entity.js';
import { LedgerEntryEntity } from '../modules/ledger/entities/ledger-entry.entity.js';
import { LedgerHeadEntity } from '../modules/ledger/entities/ledger-head.entity.js';
import { LedgerCheckpointEntity } from '../modules/ledger/entities/ledger-checkpoint.entity.js';
import { InstallationEntity } from '../modules/ledger/entities/installation.entity.js';
import { WitnessKeyEntity } from '../modules/ledger/entities/witness-key.entity.js';
import { LedgerCosignatureEntity } from '../modules/ledger/entities/ledger-cosignature.entity.js';
import { AuditEntity } from '../modules/audits/entities/audit.entity.js';
import { AuditChecklistEntity } from '../modules/audits/entities/audit-checklist.entity.js';
import { AuditFindingEntity } from '../modules/audits/entities/audit-finding.entity.js';
import { StatusReportEntity } from '../modules/status-reports/entities/status-report.entity.js';
import { NotificationEntity } from '../modules/notifications/entities/notification.entity.js';
import { NotificationRecipientEntity } from '../modules/notifications/entities/notification-recipient.entity.js';
import { WebhookEntity } from '../modules/notifications/entities/webhook.entity.js';
import { WebhookDeliveryEntity } from '../modules/notifications/entities/webhook-delivery.entity.js';
import { MailDeliveryEntity } from '../modules/notifications/entities/mail-delivery.entity.js';
import { ReminderScanEntity } from '../modules/notifications/entities/reminder-scan.entity.js';
import { DeletionCertificateEntity } from '../modules/closeout/entities/deletion-certificate.entity.js';
import {
  AccessLogEntryEntity,
  AccessLogEntryPgEntity,
} from '../modules/access-log/entities/access-log-entry.entity.js';
import {
  AccessLogHeadEntity,
  AccessLogHeadPgEntity,
} from '../modules/access-log/entities/access-log-head.entity.js';
import {
  AccessLogPendingEntity,
  AccessLogPendingPgEntity,
} from '../modules/access-log/entities/access-log-pending.entity.js';
import { TakeoutRequestEntity } from '../modules/takeout/entities/takeout-request.entity.js';
import { DesignatedPlaceEntity } from '../modules/places/entities/designated-place.entity.js';
import { PlaceConsentEntity } from '../modules/places/entities/place-consent.entity.js';
import { CopyPermissionEntity } from '../modules/copies/entities/copy-permission.entity.js';
import { IdempotencyRecordEntity } from './idempotency-record.entity.js';

/** Every entity the two databases share, listed once. */
const SHARED = [
  OrganizationEntity,
  UserEntity,
  AuthTokenEntity,
  ContractEntity,
  ContractSubcontractorEntity,
  RosterEntryEntity,
  HandlerTrainingEntity,
  EmergencyPlanEntity,
  LedgerEntryEntity,
  LedgerHeadEntity,
  LedgerCheckpointEntity,
  InstallationEntity,
  WitnessKeyEntity,
  LedgerCosignatureEntity,
  MediumEntity,
  HandoverEntity,
  HandoverItemEntity,
  IncidentEntity,
  TakeoutRequestEntity,
  DesignatedPlaceEntity,
  PlaceConsentEntity,
  CopyPermissionEntity,
  DeletionCertificateEntity,
  OrganizationCertificateEntity,
  AuditEntity,
  AuditChecklistEntity,
  AuditFindingEntity,
  StatusReportEntity,
  NotificationEntity,
  NotificationRecipientEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  MailDeliveryEntity,
  ReminderScanEntity,
  LoginThrottleEntity,
  RecoveryCodeEntity,
  IdempotencyRecordEntity,
];

/**
 * Every entity of one database: the data source (and so the schema test)
 * reads this. The access log's counters are `integer` on SQLite (64-bit,
 * and the rowid) and `bigint` on PostgreSQL (see chainCounter).
 */
export function entitiesFor(database: 'sqlite' | 'postgres') {
  return database === 'postgres'
    ? [...SHARED, AccessLogEntryPgEntity, AccessLogHeadPgEntity, AccessLogPendingPgEntity]
    : [...SHARED, AccessLogEntryEntity, AccessLogHeadEntity, AccessLogPendingEntity];
}
