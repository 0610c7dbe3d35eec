import { ApiProperty } from '@nestjs/swagger';
import {
  HANDOVER_METHODS,
  type HandoverMethod,
  MEDIUM_KINDS,
  type MediumKind,
} from '../../custody/custody-state.js';
import { WORK_LIST_LIMIT } from '../work.rule.js';

/** The contract an item belongs to, named as the home screen shows it. */
export class WorkContractRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
}

export class WorkMediumRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() label: string;
  @ApiProperty({ enum: MEDIUM_KINDS }) kind: MediumKind;
}

/** A medium the user holds (保管中) on an active contract. */
export class HeldMediumItem extends WorkMediumRef {
  @ApiProperty({ type: WorkContractRef }) contract: WorkContractRef;
  @ApiProperty({ type: String, nullable: true, description: 'Where it is kept, if recorded' })
  location: string | null;
  @ApiProperty({
    format: 'date-time',
    description: 'Its last custody event: registered, received or stored',
  })
  lastEventAt: string;
}

/** A handover addressed to the user, dispatched and not yet received. */
export class HandoverToReceiveItem {
  @ApiProperty({ format: 'uuid', description: 'The handover' }) id: string;
  @ApiProperty({ type: WorkContractRef }) contract: WorkContractRef;
  @ApiProperty({ enum: HANDOVER_METHODS }) method: HandoverMethod;
  @ApiProperty({ format: 'date-time' }) dispatchedAt: string;
  @ApiProperty({ description: 'Who sent it' }) fromName: string;
  @ApiProperty({ description: 'Their organization' }) fromOrganizationName: string;
  @ApiProperty({ type: [WorkMediumRef], description: 'What it carries, by label' })
  media: WorkMediumRef[];
}

/**
 * A password notice the user still holds although the medium it unlocks
 * has left for another organization: it must follow on a separate occasion.
 */
export class NoticeToSendItem extends WorkMediumRef {
  @ApiProperty({ type: WorkContractRef }) contract: WorkContractRef;
  @ApiProperty({ type: WorkMediumRef, description: 'The medium it unlocks' })
  unlocks: WorkMediumRef;
  @ApiProperty({ description: 'Where the medium went, and the notice must go' })
  destinationOrganizationName: string;
}

/** A take-out request (持出し申請): to decide as an approver, or to use as its applicant. */
export class TakeoutWorkItem {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: WorkContractRef }) contract: WorkContractRef;
  @ApiProperty({ type: [String] }) dataItems: string[];
  @ApiProperty() mediaCount: number;
  @ApiProperty({ description: 'media registered under it so far' }) mediaRegistered: number;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty() applicantName: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'approved: media may be registered under it until then',
  })
  validUntil: string | null;
}

/** A deletion certificate (消去証明書) submitted and waiting for the ward's confirmation. */
export class CertificateToConfirmItem {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: WorkContractRef }) contract: WorkContractRef;
  @ApiProperty() certificateNumber: string;
  @ApiProperty({ format: 'date-time' }) submittedAt: string;
  @ApiProperty({ description: 'The contractor or subcontractor that erased' })
  organizationName: string;
}

type Constructor<T> = new (...args: never[]) => T;

/** OpenAPI shape of one kind of work: `{ total, items }`, the items bounded. */
function SectionOf<T>(item: Constructor<T>): Constructor<{ total: number; items: T[] }> {
  class WorkSection {
    @ApiProperty({ description: 'How many there are in all' })
    total: number;
    @ApiProperty({
      type: () => [item],
      description: `The first ${WORK_LIST_LIMIT} at most, oldest first`,
    })
    items: T[];
  }
  Object.defineProperty(WorkSection, 'name', { value: `${item.name}Section` });
  return WorkSection;
}

export class HeldMediumSection extends SectionOf(HeldMediumItem) {}
export class HandoverToReceiveSection extends SectionOf(HandoverToReceiveItem) {}
export class NoticeToSendSection extends SectionOf(NoticeToSendItem) {}
export class TakeoutWorkSection extends SectionOf(TakeoutWorkItem) {}
export class CertificateToConfirmSection extends SectionOf(CertificateToConfirmItem) {}

/**
 * 今日の作業: what waits for the signed-in user on the active contracts they
 * may read. The take-outs and certificates are a ward officer's (the take-outs
 * to decide an approver's); for contractor staff they are empty.
 */
export class WorkResponse {
  @ApiProperty({ type: HeldMediumSection, description: 'Media in the user’s custody' })
  held: HeldMediumSection;
  @ApiProperty({ type: HandoverToReceiveSection, description: 'Handovers addressed to the user' })
  toReceive: HandoverToReceiveSection;
  @ApiProperty({ type: NoticeToSendSection, description: 'Password notices to send separately' })
  noticesToSend: NoticeToSendSection;
  @ApiProperty({ type: TakeoutWorkSection, description: 'Others’ requests an approver decides' })
  takeoutsToDecide: TakeoutWorkSection;
  @ApiProperty({
    type: TakeoutWorkSection,
    description: 'The user’s approved requests with media left to register',
  })
  takeoutsToUse: TakeoutWorkSection;
  @ApiProperty({
    type: CertificateToConfirmSection,
    description: 'Deletion certificates submitted to the ward',
  })
  certificatesToConfirm: CertificateToConfirmSection;
}
