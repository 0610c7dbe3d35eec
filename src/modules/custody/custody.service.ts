import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { inActorScope } from '../../common/http/request-scope.js';
import { Clock } from '../../common/time/clock.js';
import { MAX_CLOCK_SKEW_MS } from '../../common/time/instant.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { rosterableOrganizations } from '../contracts/contract-access.policy.js';
import { ContractsService, type ContractView } from '../contracts/contracts.service.js';
import { RosterService } from '../contracts/roster.service.js';
import { requireTrained } from '../contracts/training.records.js';
import { requireEmergencyPlan } from '../emergency/emergency-plan.queries.js';
import { businessDateOf } from '../../common/time/business-date.js';
import { OrganizationEntity } from '../identity/entities/organization.entity.js';
import { UserEntity } from '../identity/entities/user.entity.js';
import type { Actor } from '../identity/roles.js';
import type {
  HandoverDispatchedPayload,
  HandoverItemRef,
  HandoverReceivedPayload,
  PartyRef,
  PlaceRef,
  TakeoutApprovalRef,
} from '../ledger/ledger-payloads.js';
import { copyPermissionFor } from '../copies/copies.guard.js';
import { placeForStep, refuseWardPlace } from '../places/places.guard.js';
import { placesOf } from '../places/places.queries.js';
import type { PlaceStep } from '../places/places.rule.js';
import { ChainMovedOn, type LedgerChain, LedgerService } from '../ledger/ledger.service.js';
import type {
  IncidentReportedPayload,
  MediumRegisteredPayload,
  MediumStoredPayload,
} from './custody.projector.js';
import {
  CLOSED_STATES,
  type CustodyState,
  custodyRefusal,
  type HandoverPurpose,
  stateOnReceipt,
} from './custody-state.js';
import type { DispatchRequest, ReceiveRequest } from './dto/handover.dto.js';
import type { ReportIncidentRequest } from './dto/incident.dto.js';
import {
  SHA256_HEX,
  type ListMediaQuery,
  type RegisterMediumRequest,
  type StoreMediumRequest,
} from './dto/medium.dto.js';
import { HandoverItemEntity } from './entities/handover-item.entity.js';
import { CustodyQueries } from './custody.queries.js';
import { HandoverEntity } from './entities/handover.entity.js';
import { IncidentEntity } from './entities/incident.entity.js';
import { MediumEntity } from './entities/medium.entity.js';
import {
  checkSplitChannel,
  type ItemFacts,
  methodRefusal,
  type SplitChannelViolation,
} from './split-channel.rule.js';
import { formatWallClock } from '../../common/time/japanese-date.js';
import { AppConfig } from '../../config/app-config.js';
import { isUuid } from '../../common/http/validators.js';
import { type LabelledMedium, resolveMediumRefs, sameLabel } from './medium-ref.rule.js';
import { contractMediumIds, resolveOrRefuse } from './media-refs.js';
import { takeoutRecord } from '../takeout/takeout.queries.js';
import { dispatchRefusal, registrationRefusal } from '../takeout/takeout.rule.js';
import { refuse } from '../takeout/takeout.service.js';

export interface Appended {
  id: string;
  seq: number;
  hash: string;
}

/** A medium as people name it: its id and its label. */
export interface MediumName {
  mediumId: string;
  label: string;
  kind: string;
}

export interface MediumAppended extends Appended, Omit<MediumName, 'mediumId'> {}

/** A handover step answers with what moved and between whom, by name as well as id. */
export interface HandoverAppended extends Appended {
  items: MediumName[];
  from: PartyRef;
  to: PartyRef;
}

export interface ReceiptResult extends HandoverAppended {
  compromisedMediumIds: string[];
  incidentIds: string[];
}

/** Who holds a medium, by name: the organization, and the person who signed for it if any. */
export interface HolderRef {
  organizationId: string;
  organizationName: string;
  userId: string | null;
  loginId: string | null;
  displayName: string | null;
}

/** A medium with its holder named. */
export interface HeldMedium {
  medium: MediumEntity;
  holder: HolderRef;
}

/** Which side of the contract a user is on. */
type Side = 'ward' | 'contractor';

/**
 * Media, handovers and their rules. Each command reads the contract (404 for
 * strangers), then in one transaction locks the contract's chain, checks
 * every rule against the projections as they are under that lock, appends
 * its events and lets the projector update the tables. A refusal throws
 * before anything is appended, so nothing is written.
 */
@Injectable()
export class CustodyService {
  /** Custody commands of this process running now, by contract. */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  // ---------------------------------------------------------------- media

  async registerMedium(
    actor: Actor,
    contractId: string,
    request: RegisterMediumRequest,
  ): Promise<MediumAppended> {
    this.checkMediumShape(request);
    return this.command(
      actor,
      contractId,
      request.occurredAt,
      async ({ view, manager, chain, occurredAt }) => {
        await this.requireActing(manager, view, actor, occurredAt);
        const labelled = await queries(manager).labels(contractId);
        const clash = sameLabel(request.label, labelled);
        if (clash) {
          throw new DomainError(
            'DUPLICATE_LABEL',
            `A medium of this contract is already labelled ${clash.label}`,
            { label: request.label.trim(), mediumId: clash.id },
          );
        }
        let unlocksMediumId: string | null = null;
        if (request.kind === 'password_notice') {
          unlocksMediumId = this.resolveMedia(labelled, [request.unlocksMediumId!])[0] ?? null;
          await this.checkNoticeTarget(manager, contractId, unlocksMediumId!, actor);
        }
        const origin = this.sideOf(view, actor.role, actor.organizationId) ?? 'contractor';
        const takeout = await this.takeoutForRegistration(
          manager,
          view,
          actor,
          request,
          origin,
          occurredAt,
        );
        const place = await this.placeOf(manager, view, actor, {
          kind: 'register',
          placeId: request.placeId,
          mediumIds: [],
          occurredAt,
        });
        const derivation = await this.derivation(manager, view, actor, request, origin, occurredAt);
        const payload: MediumRegisteredPayload = {
          mediumId: randomUUID(),
          kind: request.kind,
          label: request.label.trim(),
          description: request.description.trim(),
          recordCount: request.recordCount,
          encrypted: request.encrypted,
          sha256: request.sha256?.toLowerCase() ?? null,
          unlocksMediumId,
          location: request.location?.trim() ?? null,
          holder: { organizationId: actor.organizationId, userId: actor.userId },
          origin,
          ...(takeout ? { takeout } : {}),
          ...(place ? { place } : {}),
          ...derivation,
        };
        const entry = await chain.append({
          type: 'medium_registered',
          occurredAt,
          payload: { ...payload },
        });
        return {
          id: payload.mediumId,
          label: payload.label,
          kind: payload.kind,
          seq: entry.seq,
          hash: entry.hash,
        };
      },
    );
  }

  async listMedia(actor: Actor, contractId: string, query: ListMediaQuery): Promise<HeldMedium[]> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    const media = await this.dataSource.getRepository(MediumEntity).find({
      where: { contractId, ...(query.state ? { state: query.state } : {}) },
      order: { registeredAt: 'ASC', id: 'ASC' },
    });
    const holders = await this.holdersOf(media);
    return media.map((medium) => ({ medium, holder: holders.get(medium.id)! }));
  }

  async getMedium(actor: Actor, contractId: string, mediumId: string): Promise<HeldMedium> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    const medium = await this.mediumByRef(this.dataSource.manager, contractId, mediumId);
    const holders = await this.holdersOf([medium]);
    return { medium, holder: holders.get(medium.id)! };
  }

  /** The medium a path names by id or by label (404 MEDIUM_NOT_FOUND for none or several). */
  private async mediumByRef(
    manager: EntityManager,
    contractId: string,
    ref: string,
  ): Promise<MediumEntity> {
    const q = queries(manager);
    const resolved = resolveMediumRefs([ref], await q.labels(contractId));
    const [medium] = resolved.ok ? await q.media(contractId, resolved.ids) : [];
    if (!medium)
      throw new DomainError('MEDIUM_NOT_FOUND', 'No such medium on this contract', {
        mediumId: ref,
      });
    return medium;
  }

  /** Records where the holder keeps a medium (施錠できる金庫又はキャビネット). */
  async storeMedium(
    actor: Actor,
    contractId: string,
    mediumId: string,
    request: StoreMediumRequest,
  ): Promise<MediumAppended> {
    return this.command(
      actor,
      contractId,
      request.occurredAt,
      async ({ view, manager, chain, occurredAt }) => {
        const medium = await this.mediumByRef(manager, contractId, mediumId);
        await this.requireActing(manager, view, actor, occurredAt);
        this.requireCustody([medium], actor.organizationId);
        this.requireNotBefore([medium], occurredAt);
        const place = await this.placeOf(manager, view, actor, {
          kind: 'store',
          placeId: request.placeId,
          mediumIds: [medium.id],
          occurredAt,
        });
        const payload: MediumStoredPayload = {
          mediumId: medium.id,
          location: request.location.trim(),
          ...(place ? { place } : {}),
        };
        const entry = await chain.append({
          type: 'medium_stored',
          occurredAt,
          payload: { ...payload },
        });
        return {
          id: medium.id,
          label: medium.label,
          kind: medium.kind,
          seq: entry.seq,
          hash: entry.hash,
        };
      },
    );
  }

  // ------------------------------------------------------------ handovers

  async dispatch(
    actor: Actor,
    contractId: string,
    request: DispatchRequest,
  ): Promise<HandoverAppended> {
    const bagId = request.bagId === undefined ? undefined : normalizeBagId(request.bagId);
    return this.command<HandoverAppended, DispatchPeople>(
      actor,
      contractId,
      request.occurredAt,
      async ({ view, manager, chain, occurredAt, before: people }) => {
        const media = await this.loadItems(manager, contractId, request.items);
        await this.requireActing(manager, view, actor, occurredAt);
        this.requireCustody(media, actor.organizationId);
        this.requireNotBefore(media, occurredAt);
        await requireEmergencyPlan(manager, view.contract);

        const addressee = this.addressee(view, actor, request.toUserId, people.addressee);
        const expected = this.purposeFor(view, actor, addressee);
        if (request.purpose !== expected) {
          throw new DomainError(
            'PURPOSE_MISMATCH',
            `A handover from this sender to this addressee is "${expected}", not "${request.purpose}"`,
            { expected, given: request.purpose },
          );
        }
        if (this.sideOf(view, addressee.role, addressee.organizationId) === 'contractor') {
          if (!(await this.roster.isRosteredAt(manager, contractId, addressee.id, occurredAt))) {
            throw new DomainError(
              'NOT_ROSTERED',
              'The addressee is not on the contract’s roster at that time',
              {
                userId: addressee.id,
              },
            );
          }
          // Nothing goes to a handler who could not sign for it.
          await this.requireTrainedAt(manager, view, addressee.id, occurredAt);
        }

        await this.checkSplitChannel(manager, view, media, { ...request, bagId }, occurredAt);
        const refusal = methodRefusal(media.map(itemFacts), request.method, bagId);
        if (refusal) {
          throw new DomainError('HANDOVER_METHOD_NOT_ALLOWED', refusal.message, {
            method: request.method,
            ...(refusal.mediumId ? { mediumId: refusal.mediumId } : {}),
          });
        }

        const approvals = await this.takeoutForDispatch(
          manager,
          view,
          actor,
          addressee,
          media,
          occurredAt,
        );
        const [from, to] =
          people.parties ?? (await queries(manager).parties(actor.userId, addressee.id));
        const payload: HandoverDispatchedPayload = {
          handoverId: randomUUID(),
          purpose: request.purpose,
          method: request.method,
          bagId: bagId ?? null,
          sealNumber: request.sealNumber ?? null,
          note: request.note ?? null,
          from,
          to,
          items: await this.itemRefs(manager, contractId, media, approvals),
        };
        const entry = await chain.append({
          type: 'handover_dispatched',
          occurredAt,
          payload: { ...payload },
        });
        return {
          id: payload.handoverId,
          seq: entry.seq,
          hash: entry.hash,
          ...named(payload),
        };
      },
      // Users are no ledger's: the addressee and both parties' names, before the lock.
      async (manager) => {
        const q = queries(manager);
        const addressee = await q.user(request.toUserId);
        const parties = addressee?.active ? await q.parties(actor.userId, addressee.id) : undefined;
        return { addressee, parties };
      },
    );
  }

  /**
   * The addressee signs for a handover. A broken seal, or a fingerprint that
   * differs from the registered one, records the receipt and an incident,
   * and marks the items compromised.
   */
  async receive(
    actor: Actor,
    contractId: string,
    handoverId: string,
    request: ReceiveRequest,
  ): Promise<ReceiptResult> {
    const given = this.checkFingerprintShape(request.sha256);
    return this.command<ReceiptResult, [PartyRef, PartyRef] | undefined>(
      actor,
      contractId,
      request.occurredAt,
      async ({ view, manager, chain, occurredAt, before: parties }) => {
        const q = queries(manager);
        const handover = await q.handover(contractId, handoverId);
        if (!handover) {
          throw new DomainError('HANDOVER_NOT_FOUND', 'No such handover on this contract', {
            handoverId,
          });
        }
        if (handover.toUserId !== actor.userId) {
          throw new DomainError('NOT_ADDRESSEE', 'Only the addressee can receive this handover', {
            handoverId,
          });
        }
        if (handover.status === 'received') {
          throw new DomainError('HANDOVER_ALREADY_RECEIVED', 'This handover has been received', {
            handoverId,
            receiptSeq: handover.receiptSeq,
          });
        }
        if (occurredAt.toISOString() < handover.dispatchedAt) {
          throw new DomainError(
            'INVALID_OCCURRED_AT',
            'A receipt cannot be dated before its dispatch',
            {
              dispatchedAt: handover.dispatchedAt,
              occurredAt: occurredAt.toISOString(),
            },
          );
        }
        await this.requireActing(manager, view, actor, occurredAt);

        const media = await q.handoverMedia(contractId, handoverId);
        const itemIds = media.map((m) => m.id);
        // An item reported lost on the way cannot be signed for; nor can a
        // receipt be dated before anything else that happened to an item.
        const closed = media.find((m) => CLOSED_STATES.has(m.state));
        if (closed) {
          throw new DomainError('MEDIUM_CLOSED', `An item of this handover is ${closed.state}`, {
            mediumId: closed.id,
            state: closed.state,
          });
        }
        this.requireNotBefore(media, occurredAt);
        const fingerprints = this.fingerprintsByMedium(given, media);
        const mismatches = media
          .filter(
            (m) =>
              m.sha256 !== null &&
              fingerprints[m.id] !== undefined &&
              fingerprints[m.id] !== m.sha256,
          )
          .map((m) => m.id);
        const compromised = media
          .filter((m) => !request.sealIntact || mismatches.includes(m.id))
          .map((m) => m.id);
        const place = await this.placeOf(manager, view, actor, {
          kind: 'receive',
          placeId: request.placeId,
          mediumIds: itemIds,
          occurredAt,
        });
        const toWard = this.sideOf(view, actor.role, actor.organizationId) === 'ward';
        const states: Record<string, CustodyState> = {};
        for (const m of media) {
          states[m.id] = stateOnReceipt({
            compromised: m.compromised || compromised.includes(m.id),
            purpose: handover.purpose,
            toWard,
          });
        }
        const [from, to] = parties ?? (await q.parties(handover.fromUserId, handover.toUserId));
        const payload: HandoverReceivedPayload = {
          handoverId,
          purpose: handover.purpose,
          method: handover.method,
          bagId: handover.bagId,
          sealNumber: handover.sealNumber,
          from,
          to,
          items: media.map((m) => itemRef(m)),
          ...(place ? { place } : {}),
          sealIntact: request.sealIntact,
          sha256: fingerprints,
          fingerprintMismatches: mismatches,
          compromisedMediumIds: compromised,
          states,
        };
        const entry = await chain.append({
          type: 'handover_received',
          occurredAt,
          payload: { ...payload },
        });

        const incidentIds: string[] = [];
        if (!request.sealIntact) {
          incidentIds.push(
            await this.appendIncident(chain, occurredAt, {
              kind: 'seal_broken',
              handoverId,
              mediumIds: media.map((m) => m.id),
              description: `Seal ${handover.sealNumber ?? '(no number)'} of bag ${handover.bagId ?? '-'} arrived broken`,
            }),
          );
        }
        if (mismatches.length > 0) {
          incidentIds.push(
            await this.appendIncident(chain, occurredAt, {
              kind: 'fingerprint_mismatch',
              handoverId,
              mediumIds: mismatches,
              description: `SHA-256 computed on receipt differs from the registered fingerprint for ${mismatches.length} item(s)`,
            }),
          );
        }
        return {
          id: handoverId,
          seq: entry.seq,
          hash: entry.hash,
          ...named(payload),
          compromisedMediumIds: compromised,
          incidentIds,
        };
      },
      // Who sent it to whom never changes, and users are no ledger's: before the lock.
      (manager) => queries(manager).handoverParties(contractId, handoverId),
    );
  }

  async listHandovers(
    actor: Actor,
    contractId: string,
  ): Promise<
    Array<{ handover: HandoverEntity; items: MediumName[]; from: PartyRef; to: PartyRef }>
  > {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    const handovers = await this.dataSource.getRepository(HandoverEntity).find({
      where: { contractId },
      order: { dispatchSeq: 'ASC' },
    });
    const items = await this.dataSource.getRepository(HandoverItemEntity).findBy({ contractId });
    const media = await this.dataSource.getRepository(MediumEntity).find({
      select: { id: true, label: true, kind: true },
      where: { contractId },
    });
    const named = new Map(media.map((m) => [m.id, m]));
    const party = await this.partiesOf(handovers);
    return handovers.map((handover) => ({
      handover,
      items: items
        .filter((i) => i.handoverId === handover.id)
        .map((i) => {
          const m = named.get(i.mediumId)!;
          return { mediumId: m.id, label: m.label, kind: m.kind };
        }),
      from: party(handover.fromUserId, handover.fromOrganizationId),
      to: party(handover.toUserId, handover.toOrganizationId),
    }));
  }

  /**
   * The people of these handovers and their organizations, named as they are
   * now: one query for the users and one for the organizations, whatever the
   * number of handovers. Only the parties of the contract's own handovers are
   * read, so a list shows no one the caller could not already see in it. The
   * organization is the one the handover recorded, not the user's current one.
   */
  private async partiesOf(
    handovers: HandoverEntity[],
  ): Promise<(userId: string, organizationId: string) => PartyRef> {
    const names = await this.namesOf(
      handovers.flatMap((h) => [h.fromUserId, h.toUserId]),
      handovers.flatMap((h) => [h.fromOrganizationId, h.toOrganizationId]),
    );
    return (userId, organizationId) => {
      // Users and organizations are deactivated, never deleted: every party is there.
      const user = names.users.get(userId)!;
      return {
        userId,
        loginId: user.loginId,
        displayName: user.displayName,
        organizationId,
        organizationName: names.organizations.get(organizationId)!,
      };
    };
  }

  /**
   * Who holds each medium, by name: the holding organization, and the person
   * accountable for it (the sender while it is in transit), where there is one. Read
   * like {@link partiesOf}: one query per table for the whole list.
   */
  private async holdersOf(media: MediumEntity[]): Promise<Map<string, HolderRef>> {
    const names = await this.namesOf(
      media.flatMap((m) => (m.holderUserId ? [m.holderUserId] : [])),
      media.map((m) => m.holderOrganizationId),
    );
    return new Map(
      media.map((m) => {
        const user = m.holderUserId ? names.users.get(m.holderUserId) : undefined;
        return [
          m.id,
          {
            organizationId: m.holderOrganizationId,
            organizationName: names.organizations.get(m.holderOrganizationId)!,
            userId: m.holderUserId,
            loginId: user?.loginId ?? null,
            displayName: user?.displayName ?? null,
          },
        ];
      }),
    );
  }

  /** Users' login ids and names and organizations' names, one query per table. */
  private async namesOf(userIds: string[], organizationIds: string[]) {
    const uniqueUsers = [...new Set(userIds)];
    const uniqueOrganizations = [...new Set(organizationIds)];
    const users =
      uniqueUsers.length === 0
        ? []
        : await this.dataSource.getRepository(UserEntity).find({
            select: { id: true, loginId: true, displayName: true },
            where: { id: In(uniqueUsers) },
          });
    const organizations =
      uniqueOrganizations.length === 0
        ? []
        : await this.dataSource.getRepository(OrganizationEntity).find({
            select: { id: true, name: true },
            where: { id: In(uniqueOrganizations) },
          });
    return {
      users: new Map(users.map((u) => [u.id, u])),
      organizations: new Map(organizations.map((o) => [o.id, o.name])),
    };
  }

  /**
   * 事故報告: a lost medium, or anything else that went wrong. Lost media
   * become `lost` and never move again. The ward's officers report about any
   * medium; a handler about the media their organization holds or has in
   * transit.
   */
  async reportIncident(
    actor: Actor,
    contractId: string,
    request: ReportIncidentRequest,
  ): Promise<Appended> {
    return this.command(
      actor,
      contractId,
      request.occurredAt,
      async ({ view, manager, chain, occurredAt }) => {
        const media = await this.loadItems(manager, contractId, request.mediumIds);
        await this.requireActing(manager, view, actor, occurredAt, { trained: false });
        if (this.sideOf(view, actor.role, actor.organizationId) !== 'ward') {
          for (const medium of media) {
            const involved =
              medium.holderOrganizationId === actor.organizationId ||
              (medium.inTransitHandoverId !== null &&
                (await manager.existsBy(HandoverEntity, {
                  id: medium.inTransitHandoverId,
                  toOrganizationId: actor.organizationId,
                })));
            if (!involved) {
              throw new DomainError(
                'NOT_CUSTODIAN',
                'A handler reports only about media their organization holds or awaits',
                {
                  mediumId: medium.id,
                },
              );
            }
          }
        }
        const closed = media.find((m) => CLOSED_STATES.has(m.state));
        if (request.kind === 'lost' && closed) {
          throw new DomainError('MEDIUM_CLOSED', `The medium is already ${closed.state}`, {
            mediumId: closed.id,
            state: closed.state,
          });
        }
        this.requireNotBefore(media, occurredAt);
        const states: Record<string, CustodyState> = {};
        if (request.kind === 'lost') for (const m of media) states[m.id] = 'lost';
        const payload: IncidentReportedPayload = {
          incidentId: randomUUID(),
          kind: request.kind,
          handoverId: null,
          mediumIds: media.map((m) => m.id),
          description: request.description.trim(),
          states,
        };
        const entry = await chain.append({
          type: 'incident_reported',
          occurredAt,
          payload: { ...payload },
        });
        return { id: payload.incidentId, seq: entry.seq, hash: entry.hash };
      },
    );
  }

  async listIncidents(actor: Actor, contractId: string): Promise<IncidentEntity[]> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.dataSource.getRepository(IncidentEntity).find({
      where: { contractId },
      order: { seq: 'ASC' },
    });
  }

  // ---------------------------------------------------------------- rules

  /**
   * Runs a custody command: the contract as the caller may read it (404 for
   * strangers), then one transaction with its chain locked, and the event's
   * time: as given, or the moment the chain was opened.
   *
   * PostgreSQL, with LEDGER_READ_BEFORE_LOCK=on: when no other command of
   * this process is running on the contract, the chain is opened
   * speculatively: the command's reads run without the head lock, which is
   * taken only to send its writes (with the request's access-log row) and
   * COMMIT, if no append has moved the head on meanwhile; if one has, or a
   * refusal was decided on reads since made stale, the command runs again,
   * locked from the start. Commands queued on one contract in this process
   * take the lock from the start, as one another's speculation would mostly
   * fail.
   */
  private async command<T, B = undefined>(
    actor: Actor,
    contractId: string,
    occurredAt: string | undefined,
    work: (context: {
      view: ContractView;
      manager: EntityManager;
      chain: LedgerChain;
      occurredAt: Date;
      before: B;
    }) => Promise<T>,
    before?: (manager: EntityManager, view: ContractView) => Promise<B>,
  ): Promise<T> {
    const view = await this.contracts.findReadable(actor, contractId);
    const given = this.occurredAt(occurredAt);
    // The custody routes are @ActorScoped: the request's entry commits with
    // this transaction through the caller, not the async context.
    const attempt = (speculate: boolean): Promise<T> =>
      inActorScope(actor, () =>
        this.tx.run(async (manager) => {
          // What no append to this contract changes is read before its chain
          // is opened: every statement under the lock is time the contract's
          // other appends wait.
          const read = (before ? await before(manager, view) : undefined) as B;
          // The work reads nothing after its appends: their writes may wait
          // for the request's access-log entry and go with it.
          const chain = await this.ledger.open(manager, contractId, actor, {
            holdWrites: true,
            speculate,
          });
          try {
            return await work({
              view,
              manager,
              chain,
              occurredAt: given ?? chain.openedAt,
              before: read,
            });
          } catch (error) {
            // A refusal decided on reads made without the lock stands only if
            // nothing was appended meanwhile (a failed statement has aborted
            // the transaction: then the refusal came from the database).
            const stale =
              error instanceof DomainError && (await chain.movedOn().catch(() => false));
            if (stale) {
              throw new ChainMovedOn(contractId);
            }
            throw error;
          }
        }),
      );
    const others = this.running.get(contractId) ?? 0;
    this.running.set(contractId, others + 1);
    try {
      return await attempt(others === 0 && this.config.LEDGER_READ_BEFORE_LOCK === 'on');
    } catch (error) {
      if (!(error instanceof ChainMovedOn)) throw error;
      return await attempt(false);
    } finally {
      const left = (this.running.get(contractId) ?? 1) - 1;
      if (left === 0) this.running.delete(contractId);
      else this.running.set(contractId, left);
    }
  }

  /** `occurredAt` as given, not more than the clock skew ahead of the server; undefined for "now". */
  private occurredAt(given: string | undefined): Date | undefined {
    const now = this.clock.now();
    if (given === undefined) return undefined;
    const at = new Date(given);
    if (at.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      throw new DomainError('INVALID_OCCURRED_AT', 'occurredAt is in the future', {
        occurredAt: at.toISOString(),
        now: now.toISOString(),
      });
    }
    return at;
  }

  /** No event about an item may be dated before the item's previous event. */
  private requireNotBefore(media: MediumEntity[], occurredAt: Date): void {
    const at = occurredAt.toISOString();
    const earlier = media.find((m) => at < m.lastEventAt);
    if (earlier) {
      throw new DomainError(
        'INVALID_OCCURRED_AT',
        'occurredAt is before the item’s previous event',
        {
          mediumId: earlier.id,
          previousEventAt: earlier.lastEventAt,
          occurredAt: at,
        },
      );
    }
  }

  private sideOf(view: ContractView, role: string, organizationId: string): Side | null {
    if (role === 'ward_officer' && organizationId === view.wardOrganizationId) return 'ward';
    if (role === 'contractor_staff' && rosterableOrganizations(view).includes(organizationId)) {
      return 'contractor';
    }
    return null;
  }

  /**
   * The caller acts on the contract: a ward officer of its ward, or contractor
   * staff named on its roster at `occurredAt` (取扱者をあらかじめ指定) whose
   * training covers that day where the contract requires one (409
   * TRAINING_REQUIRED; ward officers are trained by the ward). Reporting an
   * incident is never held up by a lapsed training: `trained: false`.
   */
  private async requireActing(
    manager: EntityManager,
    view: ContractView,
    actor: Actor,
    at: Date,
    { trained = true }: { trained?: boolean } = {},
  ): Promise<void> {
    const side = this.sideOf(view, actor.role, actor.organizationId);
    if (side === 'ward') return;
    if (
      side === 'contractor' &&
      (await this.roster.isRosteredAt(manager, view.contract.id, actor.userId, at))
    ) {
      // The training must cover the step's day and today: a step dated back
      // into a lapsed training's validity is refused like one done today.
      if (trained) await this.requireTrainedAt(manager, view, actor.userId, at);
      return;
    }
    throw new DomainError(
      'NOT_ROSTERED',
      'Only the ward’s officers and rostered handlers act on this contract',
      {
        userId: actor.userId,
      },
    );
  }

  /**
   * 409 TRAINING_REQUIRED unless the contractor's staff member's training
   * covers the business day of `at` and today (where the contract requires one).
   */
  private async requireTrainedAt(
    manager: EntityManager,
    view: ContractView,
    userId: string,
    at: Date,
  ): Promise<void> {
    const zone = this.config.BUSINESS_TIMEZONE;
    const days = new Set([businessDateOf(at, zone), businessDateOf(this.clock.now(), zone)]);
    for (const day of days) await requireTrained(manager, view.contract, userId, day);
  }

  /**
   * A medium of the ward (not a password notice) on a contract that requires
   * take-out approval is registered only under an approved request, by its
   * applicant, within what it covers; its approval goes into the entry.
   * A request may be named voluntarily where approval is not required, and
   * is then checked the same way; contractor staff and notices name none.
   */
  private async takeoutForRegistration(
    manager: EntityManager,
    view: ContractView,
    actor: Actor,
    request: RegisterMediumRequest,
    origin: Side,
    occurredAt: Date,
  ): Promise<TakeoutApprovalRef | undefined> {
    const dataMedium = origin === 'ward' && request.kind !== 'password_notice';
    if (request.takeoutRequestId === undefined) {
      if (!dataMedium || !view.contract.requireTakeoutApproval) return undefined;
      throw new DomainError(
        'TAKEOUT_NOT_APPROVED',
        'A medium of the ward is registered under a take-out request approved by the ward’s approver: name it in takeoutRequestId',
        { reason: 'missing' },
      );
    }
    if (!dataMedium) {
      throw new DomainError('VALIDATION_FAILED', 'Invalid request: takeoutRequestId', {
        fields: [
          {
            field: 'takeoutRequestId',
            messages: [
              'only media of the ward (not password notices) are written under a take-out request',
            ],
          },
        ],
      });
    }
    const record = await takeoutRecord(
      new Sql(manager),
      view.contract.id,
      request.takeoutRequestId,
    );
    if (!record) {
      throw new DomainError(
        'TAKEOUT_REQUEST_NOT_FOUND',
        'No such take-out request on this contract',
        {
          takeoutRequestId: request.takeoutRequestId,
        },
      );
    }
    refuse(registrationRefusal(record, request, actor.userId, occurredAt, this.clock.now()));
    return record.approval ?? undefined;
  }

  /**
   * Media of the ward leave it (a dispatch from a ward officer to the
   * contractor's side) only under their approved, unexpired request, by its
   * applicant. Returns the approval of each item that has one, for the entry.
   */
  private async takeoutForDispatch(
    manager: EntityManager,
    view: ContractView,
    actor: Actor,
    addressee: { organizationId: string; role: string },
    media: MediumEntity[],
    occurredAt: Date,
  ): Promise<Map<string, TakeoutApprovalRef>> {
    const approvals = new Map<string, TakeoutApprovalRef>();
    const leaving =
      this.sideOf(view, actor.role, actor.organizationId) === 'ward' &&
      this.sideOf(view, addressee.role, addressee.organizationId) !== 'ward';
    if (!leaving) return approvals;
    const sql = new Sql(manager);
    for (const medium of media) {
      if (medium.kind === 'password_notice') continue;
      if (medium.takeoutRequestId === null) {
        if (medium.origin === 'ward' && view.contract.requireTakeoutApproval) {
          throw new DomainError(
            'TAKEOUT_NOT_APPROVED',
            'A medium of the ward leaves it only under an approved take-out request',
            { mediumId: medium.id, reason: 'missing' },
          );
        }
        continue;
      }
      const record = await takeoutRecord(sql, view.contract.id, medium.takeoutRequestId);
      if (!record) continue; // cannot happen: the request is of this contract's ledger
      const refusal = dispatchRefusal(record, actor.userId, occurredAt, this.clock.now());
      if (refusal) {
        throw new DomainError(refusal.code, refusal.message, {
          ...refusal.details,
          mediumId: medium.id,
        });
      }
      if (record.approval) approvals.set(medium.id, record.approval);
    }
    return approvals;
  }

  /**
   * 持出しの禁止: the place a step on the contractor's side happens at, as
   * the ward designated or consented to it (null where the contract lists
   * none); the ward's own steps name no designated place.
   */
  private async placeOf(
    manager: EntityManager,
    view: ContractView,
    actor: Actor,
    step: { kind: PlaceStep; placeId?: string; mediumIds: string[]; occurredAt: Date },
  ): Promise<PlaceRef | null> {
    if (this.sideOf(view, actor.role, actor.organizationId) === 'ward') {
      refuseWardPlace(step.placeId);
      return null;
    }
    return placeForStep(new Sql(manager), view.contract.id, { ...step, now: this.clock.now() });
  }

  /**
   * 複写等の禁止: what a medium of the contractor was made from; a copy of
   * media it holds only under the ward's permission, which the entry names.
   * The ward's own copies go through take-out approval instead.
   */
  private async derivation(
    manager: EntityManager,
    view: ContractView,
    actor: Actor,
    request: RegisterMediumRequest,
    origin: Side,
    occurredAt: Date,
  ): Promise<Pick<MediumRegisteredPayload, 'derivedFrom' | 'copy'>> {
    const given = request.derivedFrom;
    if (!given) return {};
    if (origin === 'ward') {
      throw invalidField(
        'derivedFrom',
        'the ward’s own copies are written under a take-out request (takeoutRequestId)',
      );
    }
    if (given.kind === 'collected') return { derivedFrom: { kind: 'collected' } };
    const contractId = view.contract.id;
    const mediumIds = await contractMediumIds(manager, contractId, given.mediumIds!);
    this.requireCustody(await queries(manager).media(contractId, mediumIds), actor.organizationId);
    const copy = await copyPermissionFor(
      new Sql(manager),
      contractId,
      mediumIds,
      occurredAt,
      this.clock.now(),
    );
    return { derivedFrom: { kind: 'media', mediumIds }, copy };
  }

  /** The items of a dispatch as its entry names them, each with its approval and its place. */
  private async itemRefs(
    manager: EntityManager,
    contractId: string,
    media: MediumEntity[],
    approvals: Map<string, TakeoutApprovalRef>,
  ): Promise<HandoverItemRef[]> {
    const placeIds = media.flatMap((m) => (m.placeId ? [m.placeId] : []));
    const places = await placesOf(new Sql(manager), contractId, placeIds);
    return media.map((m) =>
      itemRef(m, approvals.get(m.id), m.placeId ? places.get(m.placeId) : undefined),
    );
  }

  private requireCustody(media: MediumEntity[], organizationId: string): void {
    for (const medium of media) {
      const refusal = custodyRefusal(medium, organizationId);
      if (!refusal) continue;
      const messages = {
        MEDIUM_CLOSED: `The medium is ${medium.state} and cannot move`,
        IN_TRANSIT: 'The medium is in transit; it must be received first',
        NOT_CUSTODIAN: 'Only the organization that holds the medium can hand it over',
      };
      throw new DomainError(refusal.code, messages[refusal.code], {
        mediumId: medium.id,
        state: medium.state,
      });
    }
  }

  /**
   * The media `refs` name (ids or labels), in that order; 422 UNKNOWN_MEDIUM
   * for a reference that names no medium of the contract, or several.
   */
  private async loadItems(
    manager: EntityManager,
    contractId: string,
    refs: string[],
  ): Promise<MediumEntity[]> {
    const q = queries(manager);
    const ids = refs.every(isUuid)
      ? refs.map((r) => r.toLowerCase())
      : this.resolveMedia(await q.labels(contractId), refs);
    const media = await q.media(contractId, ids);
    const unknown = refs.filter((_, i) => !media.some((m) => m.id === ids[i]));
    if (unknown.length > 0) {
      throw new DomainError('UNKNOWN_MEDIUM', 'Some items are not media of this contract', {
        mediumIds: unknown,
      });
    }
    if (new Set(ids).size !== ids.length) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'Invalid request: the same medium is named twice',
        {
          fields: [{ field: 'items', messages: ['name each medium once (by id or by label)'] }],
        },
      );
    }
    return ids.map((id) => media.find((m) => m.id === id)!);
  }

  /** Ids for references by id or label (422 UNKNOWN_MEDIUM for one that names none or several). */
  private resolveMedia(labelled: LabelledMedium[], refs: string[]): string[] {
    return resolveOrRefuse(labelled, refs);
  }

  /** The addressee must be a party of the contract and another person than the sender. */
  private addressee(
    view: ContractView,
    actor: Actor,
    toUserId: string,
    user: Awaited<ReturnType<CustodyQueries['user']>>,
  ): { id: string; organizationId: string; role: string } {
    // Named by id only: a login id is guessable, and the answer must not tell
    // whether it belongs to staff of an organization outside the contract.
    if (
      isUuid(toUserId) &&
      user &&
      user.active &&
      user.role === 'contractor_staff' &&
      this.sideOf(view, user.role, user.organizationId) === null
    ) {
      throw new DomainError(
        'SUBCONTRACTING_NOT_APPROVED',
        'The addressee’s organization is not approved on this contract',
        { toUserId },
      );
    }
    if (
      !user ||
      !user.active ||
      this.sideOf(view, user.role, user.organizationId) === null ||
      user.id === actor.userId
    ) {
      throw new DomainError(
        'INVALID_ADDRESSEE',
        'The addressee must be another ward officer of the contract’s ward or a handler of its contractor or approved subcontractors',
        { toUserId },
      );
    }
    return user;
  }

  /** The purpose a handover between these two parties has. */
  private purposeFor(
    view: ContractView,
    actor: Actor,
    addressee: { organizationId: string; role: string },
  ): HandoverPurpose {
    if (actor.organizationId === addressee.organizationId) return 'internal';
    const from = this.sideOf(view, actor.role, actor.organizationId);
    const to = this.sideOf(view, addressee.role, addressee.organizationId);
    if (from === 'ward') return 'provide';
    if (to === 'ward') return 'return';
    return 'subcontract';
  }

  private async checkSplitChannel(
    manager: EntityManager,
    view: ContractView,
    media: MediumEntity[],
    request: DispatchRequest,
    occurredAt: Date,
  ): Promise<void> {
    const contractId = view.contract.id;
    const ids = media.map((m) => m.id);
    // A notice's counterpart is the medium it unlocks; a medium's are its notices.
    const q = queries(manager);
    const notices = await q.noticesFor(contractId, ids);
    const counterparts = new Map<string, string[]>();
    for (const m of media) {
      const list = m.unlocksMediumId
        ? [m.unlocksMediumId]
        : notices.filter((n) => n.unlocksMediumId === m.id).map((n) => n.id);
      counterparts.set(m.id, list);
    }
    const counterpartIds = [...new Set([...counterparts.values()].flat())];
    const counterpartDispatches = await q.dispatchesOf(counterpartIds);
    const bagCargo =
      request.bagId && counterpartIds.length ? await q.bagCargo(contractId, request.bagId) : [];
    const violation = checkSplitChannel({
      items: media.map(itemFacts),
      method: request.method,
      occurredAt,
      minSeparationMinutes: view.contract.minSeparationMinutes,
      counterparts,
      counterpartDispatches,
      bagCargo,
    });
    if (violation) {
      const details: Record<string, unknown> = { ...violation };
      delete details.message;
      throw new DomainError(
        'SPLIT_CHANNEL_VIOLATION',
        this.splitChannelMessage(violation, view),
        details,
      );
    }
  }

  /**
   * The refusal as the person at the counter needs it: for the same occasion,
   * in Japanese too, with the time the item may go in BUSINESS_TIMEZONE.
   */
  private splitChannelMessage(violation: SplitChannelViolation, view: ContractView): string {
    if (violation.rule !== 'same_occasion' || !violation.earliestAt) return violation.message;
    const zone = this.config.BUSINESS_TIMEZONE;
    const minutes = view.contract.minSeparationMinutes;
    return (
      `媒体とパスワード通知書は別の機会に、${minutes} 分以上空けて引き渡してください。` +
      `送付可能: ${formatWallClock(violation.earliestAt, zone)}。` +
      `${violation.message}; it may go from ${formatWallClock(violation.earliestAt, zone)} (${zone})`
    );
  }

  private checkMediumShape(request: RegisterMediumRequest): void {
    const fields: Array<{ field: string; messages: string[] }> = [];
    const notice = request.kind === 'password_notice';
    if (notice && !request.unlocksMediumId) {
      fields.push({
        field: 'unlocksMediumId',
        messages: ['a password notice names the medium it unlocks'],
      });
    }
    if (!notice && request.unlocksMediumId) {
      fields.push({
        field: 'unlocksMediumId',
        messages: ['only a password notice unlocks a medium'],
      });
    }
    if (notice && request.encrypted) {
      fields.push({
        field: 'encrypted',
        messages: ['a password notice is not itself encrypted data'],
      });
    }
    if (notice && request.sha256) {
      fields.push({ field: 'sha256', messages: ['a password notice has no file fingerprint'] });
    }
    if (request.kind === 'encrypted_file' && !request.encrypted) {
      fields.push({ field: 'encrypted', messages: ['an encrypted_file must be encrypted'] });
    }
    const derived = request.derivedFrom;
    if (derived && notice) {
      fields.push({ field: 'derivedFrom', messages: ['a password notice holds no personal data'] });
    }
    if (derived && (derived.kind === 'media') !== (derived.mediumIds !== undefined)) {
      fields.push({
        field: 'derivedFrom.mediumIds',
        messages: ['name the media a copy was made from (kind media), and only then'],
      });
    }
    if (fields.length > 0) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Invalid request: ${fields.map((f) => f.field).join(', ')}`,
        {
          fields,
        },
      );
    }
  }

  /** One live notice per medium, for an encrypted medium of the same contract. */
  private async checkNoticeTarget(
    manager: EntityManager,
    contractId: string,
    targetId: string,
    actor: Actor,
  ): Promise<void> {
    const target = await manager.findOneBy(MediumEntity, { id: targetId, contractId });
    if (!target) {
      throw new DomainError('UNKNOWN_MEDIUM', 'unlocksMediumId is not a medium of this contract', {
        mediumIds: [targetId],
      });
    }
    if (target.kind === 'password_notice' || !target.encrypted) {
      throw new DomainError(
        'NOTICE_TARGET_INVALID',
        'A password notice unlocks an encrypted medium',
        {
          unlocksMediumId: targetId,
        },
      );
    }
    // The organization that holds the medium (and so prepared it) issues its
    // password; anyone else would lock the real notice out.
    if (target.holderOrganizationId !== actor.organizationId) {
      throw new DomainError(
        'NOT_CUSTODIAN',
        'Only the organization that holds the medium registers its password notice',
        { unlocksMediumId: targetId },
      );
    }
    const notices = await manager.findBy(MediumEntity, { contractId, unlocksMediumId: targetId });
    const live = notices.find((n) => !CLOSED_STATES.has(n.state));
    if (live) {
      throw new DomainError('NOTICE_EXISTS', 'The medium already has a live password notice', {
        unlocksMediumId: targetId,
        noticeId: live.id,
      });
    }
  }

  private checkFingerprintShape(given: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    const bad: string[] = [];
    for (const [mediumId, value] of Object.entries(given ?? {})) {
      if (typeof value !== 'string' || !SHA256_HEX.test(value)) bad.push(mediumId);
      else out[mediumId] = value.toLowerCase();
    }
    if (bad.length > 0) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'sha256 values must be 64 hexadecimal characters',
        {
          fields: bad.map((id) => ({
            field: `sha256.${id}`,
            messages: ['must be 64 hexadecimal characters'],
          })),
        },
      );
    }
    return out;
  }

  /** Fingerprints keyed by the media of the handover they name, by id or by label. */
  private fingerprintsByMedium(
    given: Record<string, string>,
    media: MediumEntity[],
  ): Record<string, string> {
    const out: Record<string, string> = {};
    const unknown: string[] = [];
    for (const [ref, value] of Object.entries(given)) {
      const resolved = resolveMediumRefs([ref], media);
      if (resolved.ok) out[resolved.ids[0]!] = value;
      else unknown.push(ref);
    }
    if (unknown.length > 0) {
      throw new DomainError('UNKNOWN_MEDIUM', 'sha256 names media that are not in this handover', {
        mediumIds: unknown,
      });
    }
    return out;
  }

  private async appendIncident(
    chain: LedgerChain,
    occurredAt: Date,
    incident: Omit<IncidentReportedPayload, 'incidentId' | 'states'>,
  ): Promise<string> {
    const payload: IncidentReportedPayload = { incidentId: randomUUID(), ...incident, states: {} };
    await chain.append({ type: 'incident_reported', occurredAt, payload: { ...payload } });
    return payload.incidentId;
  }
}

/** Items and parties of a handover entry, as its answer names them. */
function named(payload: HandoverDispatchedPayload | HandoverReceivedPayload) {
  return {
    items: payload.items.map((i) => ({ mediumId: i.mediumId, label: i.label, kind: i.kind })),
    from: payload.from,
    to: payload.to,
  };
}

function itemFacts(m: MediumEntity): ItemFacts {
  return { id: m.id, kind: m.kind, unlocksMediumId: m.unlocksMediumId };
}

function itemRef(m: MediumEntity, takeout?: TakeoutApprovalRef, place?: PlaceRef): HandoverItemRef {
  return {
    mediumId: m.id,
    kind: m.kind,
    label: m.label,
    description: m.description,
    recordCount: m.recordCount,
    ...(takeout ? { takeout } : {}),
    ...(place ? { place } : {}),
  };
}

/** 400 VALIDATION_FAILED about one field. */
function invalidField(field: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `Invalid request: ${field}`, {
    fields: [{ field, messages: [message] }],
  });
}

/** A dispatch's addressee (as named: by id or login id) and both parties, read before the lock. */
interface DispatchPeople {
  addressee: Awaited<ReturnType<CustodyQueries['user']>>;
  /** Absent when the addressee is unknown or inactive (the dispatch is refused). */
  parties: [PartyRef, PartyRef] | undefined;
}

function queries(manager: EntityManager): CustodyQueries {
  return new CustodyQueries(new Sql(manager));
}

/**
 * One locked bag, however its id is typed: full-width or half-width, upper or
 * lower case, stray spaces (BAG-07, ｂａｇ－０７ and " bag-07 " are one bag).
 */
export function normalizeBagId(bagId: string): string {
  return bagId.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();
}
