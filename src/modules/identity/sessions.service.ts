import { randomUUID } from 'node:crypto';
import { hashBearerToken } from './bearer-token.js';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, type Repository, Not } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { currentRequestScope, noteAccountEvent } from '../../common/http/request-scope.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import {
  AuthTokenEntity,
  CLIENT_ADDRESS_LENGTH,
  USER_AGENT_LENGTH,
} from './entities/auth-token.entity.js';
import { UserEntity } from './entities/user.entity.js';
import type { Actor } from './roles.js';
import { idleCutoff, idleExpiresAt } from './session-idle.rule.js';

/** A live session as its owner (or an admin) sees it. */
export interface LiveSession {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
  clientAddress: string | null;
  userAgent: string | null;
  /** The session is the caller's own token. */
  current: boolean;
}

/**
 * The row of a new token (only its SHA-256 is kept), to insert inside the
 * transaction that issues it. Build it before that transaction, in the
 * request: its origin comes from the request scope, and on SQLite the unit
 * of work runs in whichever request's context started the commit.
 */
export function newTokenRow(
  token: string,
  userId: string,
  kind: AuthTokenEntity['kind'],
  now: Date,
  expiresAt: Date,
): AuthTokenEntity {
  return Object.assign(new AuthTokenEntity(), {
    id: randomUUID(),
    tokenHash: hashBearerToken(token),
    userId,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    kind,
    ...sessionOrigin(now),
  });
}

/**
 * The columns of a new token that say where and when its session started:
 * the client address and User-Agent of the request being served (the access
 * log's request scope; null outside a request) and its first activity.
 */
export function sessionOrigin(
  now: Date,
): Pick<AuthTokenEntity, 'lastUsedAt' | 'clientAddress' | 'userAgent'> {
  const scope = currentRequestScope();
  return {
    lastUsedAt: now,
    clientAddress: scope?.clientAddress.slice(0, CLIENT_ADDRESS_LENGTH) ?? null,
    userAgent: scope?.userAgent?.slice(0, USER_AGENT_LENGTH) ?? null,
  };
}

interface SessionRow {
  id: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  client_address: string | null;
  user_agent: string | null;
}

/**
 * Sessions are bearer tokens of kind 'session' (not the short-lived token
 * that only completes a second-factor login) that are neither revoked nor
 * expired, absolutely (TOKEN_TTL_MINUTES) or by idling
 * (SESSION_IDLE_MINUTES). Each user lists and revokes their own; an admin
 * does so for anyone.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
  ) {}

  /** The caller's live sessions, newest first; `current` marks the calling token. */
  listMine(actor: Actor): Promise<LiveSession[]> {
    return this.listLive(actor.userId, actor.tokenId);
  }

  /**
   * Ends one of the caller's own sessions (the calling one too: that is a
   * logout). Another user's session, an ended one or an unknown id is
   * SESSION_NOT_FOUND, so ids of other users cannot be probed.
   */
  async revokeMine(actor: Actor, sessionId: string): Promise<void> {
    const live = await this.listLive(actor.userId, actor.tokenId);
    if (!live.some((s) => s.id === sessionId)) {
      throw new DomainError('SESSION_NOT_FOUND', 'No such session of yours');
    }
    noteAccountEvent('session.revoked', {
      subject: {
        userId: actor.userId,
        organizationId: actor.organizationId,
        role: actor.role,
        loginId: actor.loginId,
      },
    });
    const now = this.clock.now();
    await this.tx.run((manager) =>
      manager.update(
        AuthTokenEntity,
        { id: sessionId, userId: actor.userId, revokedAt: IsNull() },
        { revokedAt: now },
      ),
    );
  }

  /** A user's live sessions, for an admin. */
  async listForUser(actor: Actor, userId: string): Promise<LiveSession[]> {
    await this.findUser(userId);
    return this.listLive(userId, actor.tokenId);
  }

  /** Ends every session of a user, for an admin; answers how many were live. */
  async revokeAllForUser(userId: string): Promise<number> {
    const user = await this.findUser(userId);
    const live = await this.listLive(user.id, null);
    noteAccountEvent('session.revoked', { subject: subjectOf(user) });
    const now = this.clock.now();
    await this.tx.run((manager) => revokeEveryToken(manager, user.id, now));
    return live.length;
  }

  private async findUser(id: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new DomainError('USER_NOT_FOUND', 'No such user');
    return user;
  }

  private async listLive(userId: string, currentTokenId: string | null): Promise<LiveSession[]> {
    const now = this.clock.now();
    const idle = this.config.SESSION_IDLE_MINUTES;
    const rows = await new Sql(this.users.manager).all<SessionRow>(
      `SELECT id, created_at, expires_at, last_used_at, client_address, user_agent
         FROM auth_tokens
        WHERE user_id = ? AND kind = 'session' AND revoked_at IS NULL AND expires_at > ?
          AND COALESCE(last_used_at, created_at) > ?
        ORDER BY created_at DESC, id`,
      [userId, now.toISOString(), idleCutoff(now, idle).toISOString()],
    );
    return rows.map((row) => {
      const times = {
        createdAt: new Date(row.created_at),
        expiresAt: new Date(row.expires_at),
        lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
      };
      return {
        id: row.id,
        createdAt: times.createdAt,
        lastUsedAt: times.lastUsedAt ?? times.createdAt,
        expiresAt: times.expiresAt,
        idleExpiresAt: idleExpiresAt(times, idle),
        clientAddress: row.client_address,
        userAgent: row.user_agent,
        current: row.id === currentTokenId,
      };
    });
  }
}

/**
 * Revokes every token of a user that is not revoked yet, but `keepTokenId`
 * (the caller's own session, on a password change), inside the caller's
 * transaction.
 */
export async function revokeEveryToken(
  manager: EntityManager,
  userId: string,
  now: Date,
  keepTokenId?: string,
): Promise<void> {
  await manager.update(
    AuthTokenEntity,
    keepTokenId === undefined
      ? { userId, revokedAt: IsNull() }
      : { userId, id: Not(keepTokenId), revokedAt: IsNull() },
    { revokedAt: now },
  );
}

/** The user an account event is about, as the access log records it. */
export function subjectOf(user: UserEntity): {
  userId: string;
  organizationId: string;
  role: UserEntity['role'];
  loginId: string;
} {
  return {
    userId: user.id,
    organizationId: user.organizationId,
    role: user.role,
    loginId: user.loginId,
  };
}
