import { Foundation1764093600000 } from './1764093600000-Foundation.js';
import { CustodyLedger1764180000000 } from './1764180000000-CustodyLedger.js';
import { Audits1764280000000 } from './1764280000000-Audits.js';
import { Notifications1764290000000 } from './1764290000000-Notifications.js';
import { DeletionCertificates1764260000000 } from './1764260000000-DeletionCertificates.js';
import { OrganizationCertificates1764270000000 } from './1764270000000-OrganizationCertificates.js';
import { SecondFactor1764300100000 } from './1764300100000-SecondFactor.js';
import { SessionActivity1764300200000 } from './1764300200000-SessionActivity.js';
import { LoginThrottles1764300000000 } from './1764300000000-LoginThrottles.js';
import { AccessLog1764300300000 } from './1764300300000-AccessLog.js';
import { SigningCertificateRevocation1764400100000 } from './1764400100000-SigningCertificateRevocation.js';
import { IdempotencyKeys1764400200000 } from './1764400200000-IdempotencyKeys.js';
import { DeliveryAttempts1764500000000 } from './1764500000000-DeliveryAttempts.js';
import { TakeoutApproval1764600000000 } from './1764600000000-TakeoutApproval.js';
import { DesignatedPlaces1764700000000 } from './1764700000000-DesignatedPlaces.js';
import { HandlerTraining1764710000000 } from './1764710000000-HandlerTraining.js';
import { AuditChecklist1764720000000 } from './1764720000000-AuditChecklist.js';
import { DocumentAddressee1764730000000 } from './1764730000000-DocumentAddressee.js';
import { WorkIndexes1764740000000 } from './1764740000000-WorkIndexes.js';
import { MailDelivery1764750000000 } from './1764750000000-MailDelivery.js';
import { MerkleTree1764760000000 } from './1764760000000-MerkleTree.js';
import { WitnessCosignatures1764770000000 } from './1764770000000-WitnessCosignatures.js';
import { TreeNodesInEntries1764780000000 } from './1764780000000-TreeNodesInEntries.js';
import { DigestDueIndex1764790000000 } from './1764790000000-DigestDueIndex.js';
import { AccessLogPending1764800000000 } from './1764800000000-AccessLogPending.js';
import { HeadClosed1764810000000 } from './1764810000000-HeadClosed.js';
import { WideAccessLogCounters1764820000000 } from './1764820000000-WideAccessLogCounters.js';
import { DropNotificationContractIndex1764830000000 } from './1764830000000-DropNotificationContractIndex.js';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [
  Foundation1764093600000,
  CustodyLedger1764180000000,
  DeletionCertificates1764260000000,
  OrganizationCertificates1764270000000,
  Audits1764280000000,
  Notifications1764290000000,
  LoginThrottles1764300000000,
  SecondFactor1764300100000,
  SessionActivity1764300200000,
  AccessLog1764300300000,
  SigningCertificateRevocation1764400100000,
  IdempotencyKeys1764400200000,
  DeliveryAttempts1764500000000,
  TakeoutApproval1764600000000,
  DesignatedPlaces1764700000000,
  HandlerTraining1764710000000,
  AuditChecklist1764720000000,
  DocumentAddressee1764730000000,
  WorkIndexes1764740000000,
  MailDelivery1764750000000,
  MerkleTree1764760000000,
  WitnessCosignatures1764770000000,
  TreeNodesInEntries1764780000000,
  DigestDueIndex1764790000000,
  AccessLogPending1764800000000,
  HeadClosed1764810000000,
  WideAccessLogCounters1764820000000,
  DropNotificationContractIndex1764830000000,
];
