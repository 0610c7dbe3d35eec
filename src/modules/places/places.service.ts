import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { ContractsService } from '../contracts/contracts.service.js';
import { RosterService } from '../contracts/roster.service.js';
import { contractMediumIds } from '../custody/media-refs.js';
import type { Actor } from '../identity/roles.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type {
  ConsentPlaceRequest,
  DesignatePlaceRequest,
  WithdrawPlaceRequest,
} from './dto/place.dto.js';
import { DesignatedPlaceEntity } from './entities/designated-place.entity.js';
import { PlaceConsentEntity } from './entities/place-consent.entity.js';
import type {
  PlaceConsentedPayload,
  PlaceDesignatedPayload,
  PlaceWithdrawnPayload,
} from './places.projector.js';
import { designatedPlace } from './places.queries.js';

/**
 * The places a contract's work and media may be at (持出しの禁止, 特記事項 6):
 * designated and withdrawn by the ward's officers, who also consent to other
 * places for named media. Each is a ledger entry appended under the
 * contract's chain lock with its projection; the custody steps read them.
 */
@Injectable()
export class PlacesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly clock: Clock,
  ) {}

  async designate(
    actor: Actor,
    contractId: string,
    request: DesignatePlaceRequest,
  ): Promise<DesignatedPlaceEntity> {
    await this.contracts.findManageable(actor, contractId);
    const placeId = randomUUID();
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const payload: PlaceDesignatedPayload = {
        placeId,
        name: request.name.trim(),
        address: request.address.trim(),
        mediaStorage: request.mediaStorage,
      };
      await chain.append({
        type: 'place_designated',
        occurredAt: new Date(chain.openedAt),
        payload: { ...payload },
      });
    });
    return this.findPlace(contractId, placeId);
  }

  async withdraw(
    actor: Actor,
    contractId: string,
    placeId: string,
    request: WithdrawPlaceRequest,
  ): Promise<DesignatedPlaceEntity> {
    await this.contracts.findManageable(actor, contractId);
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const place = await designatedPlace(new Sql(manager), contractId, placeId);
      if (!place) throw placeNotFound(placeId);
      if (place.withdrawn) {
        throw new DomainError('PLACE_WITHDRAWN', 'The place’s designation is already withdrawn', {
          placeId,
        });
      }
      const payload: PlaceWithdrawnPayload = {
        placeId,
        name: place.name,
        reason: request.reason.trim(),
      };
      await chain.append({
        type: 'place_withdrawn',
        occurredAt: new Date(chain.openedAt),
        payload: { ...payload },
      });
    });
    return this.findPlace(contractId, placeId);
  }

  /** 甲の承諾: named media may be at a place the ward has not designated for them, for a while. */
  async consent(
    actor: Actor,
    contractId: string,
    request: ConsentPlaceRequest,
  ): Promise<PlaceConsentEntity> {
    await this.contracts.findManageable(actor, contractId);
    checkConsentShape(request, this.clock.now());
    const consentId = randomUUID();
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const mediumIds = await contractMediumIds(manager, contractId, request.mediumIds);
      const payload: PlaceConsentedPayload = {
        consentId,
        place: await this.consentedPlace(new Sql(manager), contractId, request),
        mediumIds,
        reason: request.reason.trim(),
        validUntil: new Date(request.validUntil).toISOString(),
      };
      await chain.append({
        type: 'place_consented',
        occurredAt: new Date(chain.openedAt),
        payload: { ...payload },
      });
    });
    return this.dataSource.getRepository(PlaceConsentEntity).findOneByOrFail({ id: consentId });
  }

  async listPlaces(actor: Actor, contractId: string): Promise<DesignatedPlaceEntity[]> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.dataSource.getRepository(DesignatedPlaceEntity).find({
      where: { contractId },
      order: { designatedSeq: 'ASC' },
    });
  }

  async listConsents(actor: Actor, contractId: string): Promise<PlaceConsentEntity[]> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.dataSource.getRepository(PlaceConsentEntity).find({
      where: { contractId },
      order: { consentedSeq: 'ASC' },
    });
  }

  /** The designated place the consent names, or a place of its own. */
  private async consentedPlace(
    sql: Sql,
    contractId: string,
    request: ConsentPlaceRequest,
  ): Promise<PlaceConsentedPayload['place']> {
    if (request.placeId === undefined) {
      return {
        placeId: randomUUID(),
        name: request.name!.trim(),
        address: request.address!.trim(),
        designated: false,
      };
    }
    const placeId = request.placeId.toLowerCase();
    const place = await designatedPlace(sql, contractId, placeId);
    if (!place) {
      throw new DomainError(
        'INVALID_REFERENCE',
        'placeId names no designated place of this contract',
        {
          field: 'placeId',
          placeId,
        },
      );
    }
    return { placeId, name: place.name, address: place.address, designated: true };
  }

  private async findPlace(contractId: string, placeId: string): Promise<DesignatedPlaceEntity> {
    const row = await this.dataSource
      .getRepository(DesignatedPlaceEntity)
      .findOneBy({ id: placeId, contractId });
    if (!row) throw placeNotFound(placeId);
    return row;
  }
}

function placeNotFound(placeId: string): DomainError {
  return new DomainError('PLACE_NOT_FOUND', 'No such designated place on this contract', {
    placeId,
  });
}

/** A consent names a designated place or a new one (name and address), and ends in the future. */
function checkConsentShape(request: ConsentPlaceRequest, now: Date): void {
  const fields: Array<{ field: string; messages: string[] }> = [];
  const named = request.name !== undefined || request.address !== undefined;
  if (request.placeId !== undefined && named) {
    fields.push({ field: 'placeId', messages: ['give placeId, or name and address, not both'] });
  }
  if (
    request.placeId === undefined &&
    (request.name === undefined || request.address === undefined)
  ) {
    fields.push({
      field: 'name',
      messages: ['a place not designated is given by name and address'],
    });
  }
  if (Date.parse(request.validUntil) <= now.getTime()) {
    fields.push({ field: 'validUntil', messages: ['must be in the future'] });
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
