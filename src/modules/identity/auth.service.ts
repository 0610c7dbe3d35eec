import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import {
  currentRequestScope,
  noteAccountEvent,
  type AccountEventSubject,
} from '../../common/http/request-scope.js';
import { Clock } from '../../common/time/clock.js';
import { bool, Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { generateBearerToken, hashBearerToken } from './bearer-token.js';
import type { ChangePasswordRequest, LoginRequest } from './dto/auth.dto.js';
import { AuthTokenEntity } from './entities/auth-token.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { type MfaChallenge, MfaService } from './mfa.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PASSWORD_HISTORY_DEPTH, passwordRefusal } from './password.rule.js';
import type { Actor } from './roles.js';
import { activityStampDue, sessionLive, type SessionTimes } from './session-idle.rule.js';
import { newTokenRow, revokeEveryToken, subjectOf } from './sessions.service.js';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: UserEntity;
}

const INVALID_CREDENTIALS = 'The login id or the password is wrong';

/** Logins, bearer tokens and password changes. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('AuthService');

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly mfa: MfaService,
    private readonly throttle: LoginThrottleService,
  ) {}

  /**
   * Checks the password and issues a token. An unknown login, a disabled
   * account and a wrong password all get the same answer after the same work,
   * and lock the same way: the attempt is counted (LoginThrottleService)
   * before the password is checked, and a locked id answers 429.
   */
  async login(request: LoginRequest): Promise<LoginResult | MfaChallenge> {
    const loginId = request.loginId;
    await this.beginAttempt(loginId, 'login.refused_locked');
    const user = await this.users.findOneBy({ loginId });
    const ok =
      user && user.active
        ? await this.hasher.verify(user.passwordHash, request.password)
        : await this.hasher.verifyDecoy(request.password);
    if (!ok || !user) {
      await this.recordFailure('login.failed', loginId, user ? subjectOf(user) : { loginId }, 401);
      throw new DomainError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }
    // A second factor: the password gives only a token for POST /api/auth/mfa/verify.
    if (this.mfa.isEnrolled(user)) return this.mfa.issueChallenge(user);

    const token = generateBearerToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.TOKEN_TTL_MINUTES * 60_000);
    const row = newTokenRow(token, user.id, 'session', now, expiresAt);
    noteAccountEvent('login.succeeded', { subject: subjectOf(user), status: 200 });
    await this.tx.run(async (manager) => {
      await this.throttle.attemptSucceeded(manager, loginId);
      await manager.insert(AuthTokenEntity, row);
    });
    return { token, expiresAt, user };
  }

  /**
   * Counts a password attempt for a login id before the password is checked;
   * while the id is locked it answers 429 TOO_MANY_ATTEMPTS at once (there is
   * no write then: the refusal is only noted for the access log).
   */
  private async beginAttempt(
    loginId: string,
    refusal: 'login.refused_locked' | 'password.change_failed',
    subject: Partial<AccountEventSubject> = { loginId },
  ): Promise<void> {
    try {
      await this.throttle.beginAttempt(loginId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'TOO_MANY_ATTEMPTS') {
        noteAccountEvent(refusal, { subject, status: error.status });
      }
      throw error;
    }
  }

  /**
   * Records a wrong password: the attempt stays counted, and the failure that
   * reaches LOGIN_MAX_FAILURES locks the id and is logged as `login.locked`.
   */
  private async recordFailure(
    event: 'login.failed' | 'password.change_failed',
    loginId: string,
    subject: Partial<AccountEventSubject>,
    status: number,
  ): Promise<void> {
    noteAccountEvent(event, { subject, status });
    // Taken here: on SQLite the unit of work may run in another request's context.
    const scope = currentRequestScope();
    await this.tx.run(async (manager) => {
      const { lockedNow } = await this.throttle.attemptFailed(manager, loginId);
      if (lockedNow && scope) scope.action = 'login.locked';
    });
  }

  /**
   * The caller a bearer token stands for, or null if it is unknown, revoked,
   * expired, or idle for SESSION_IDLE_MINUTES. Runs on every request, so it
   * is one plain query; the session's last-used stamp is written at most
   * once a minute (see session-idle.rule.ts for the precision this gives).
   */
  async authenticate(token: string): Promise<Actor | null> {
    const row = await new Sql(this.users.manager).one<{
      token_id: string;
      created_at: string;
      expires_at: string;
      last_used_at: string | null;
      revoked_at: string | null;
      user_id: string;
      organization_id: string;
      role: Actor['role'];
      login_id: string;
      display_name: string;
      active: unknown;
      must_change_password: unknown;
      token_kind: 'session' | 'mfa';
      totp_confirmed_at: string | null;
    }>(
      `SELECT t.id AS token_id, t.created_at, t.expires_at, t.last_used_at, t.revoked_at,
              u.id AS user_id, u.organization_id, u.role, u.login_id, u.display_name, u.active, u.must_change_password,
              t.kind AS token_kind, u.totp_confirmed_at
         FROM auth_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ?`,
      [hashBearerToken(token)],
    );
    if (!row || row.revoked_at !== null || !bool(row.active)) return null;
    const session: SessionTimes = {
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
      lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
    };
    const now = this.clock.now();
    if (!sessionLive(session, now, this.config.SESSION_IDLE_MINUTES)) return null;
    if (activityStampDue(session, now)) await this.stampActivity(row.token_id, now);
    return {
      userId: row.user_id,
      organizationId: row.organization_id,
      role: row.role,
      loginId: row.login_id,
      displayName: row.display_name,
      tokenId: row.token_id,
      mustChangePassword: bool(row.must_change_password),
      tokenKind: row.token_kind,
      mfaEnrolled: row.totp_confirmed_at !== null,
    };
  }

  /**
   * Moves a session's last-used stamp. Bookkeeping, not the request's own
   * write (runUnrecorded). A failure is logged and the request goes on:
   * at worst the session ends as if idle since its last successful stamp.
   */
  private async stampActivity(tokenId: string, now: Date): Promise<void> {
    const at = now.toISOString();
    try {
      await this.tx.runUnrecorded((manager) =>
        new Sql(manager).run(
          `UPDATE auth_tokens SET last_used_at = ?
            WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
          [at, tokenId, at],
        ),
      );
    } catch (error) {
      this.logger.warn(`could not stamp a session's last use: ${String(error)}`);
    }
  }

  async logout(actor: Actor): Promise<void> {
    noteAccountEvent('logout', {
      subject: {
        userId: actor.userId,
        organizationId: actor.organizationId,
        role: actor.role,
        loginId: actor.loginId,
      },
    });
    const now = this.clock.now();
    await this.tx.run((manager) =>
      manager.update(AuthTokenEntity, { id: actor.tokenId }, { revokedAt: now }),
    );
  }

  async me(actor: Actor): Promise<UserEntity> {
    return this.users.findOneByOrFail({ id: actor.userId });
  }

  /**
   * Replaces the caller's password. The new one must pass the policy and
   * differ from the current and the last few; every other session of the
   * user is revoked.
   */
  async changePassword(actor: Actor, request: ChangePasswordRequest): Promise<UserEntity> {
    const user = await this.users.findOneByOrFail({ id: actor.userId });
    // A wrong current password counts toward the lockout like a failed login.
    const subject = subjectOf(user);
    await this.beginAttempt(actor.loginId, 'password.change_failed', subject);
    if (!(await this.hasher.verify(user.passwordHash, request.currentPassword))) {
      await this.recordFailure('password.change_failed', actor.loginId, subject, 422);
      throw new DomainError('CURRENT_PASSWORD_WRONG', 'The current password is wrong');
    }
    try {
      await this.checkNewPassword(user, request.newPassword);
    } catch (error) {
      // The current password was right: the attempt is not a failure.
      await this.tx.runUnrecorded((manager) =>
        this.throttle.attemptSucceeded(manager, actor.loginId),
      );
      throw error;
    }
    user.previousPasswordHashes = [user.passwordHash, ...user.previousPasswordHashes].slice(
      0,
      PASSWORD_HISTORY_DEPTH,
    );
    user.passwordHash = await this.hasher.hash(request.newPassword);
    user.mustChangePassword = false;
    const now = this.clock.now();
    noteAccountEvent('password.changed', { subject, status: 200 });
    await this.tx.run(async (manager) => {
      await this.throttle.attemptSucceeded(manager, actor.loginId);
      await manager.update(
        UserEntity,
        { id: user.id },
        {
          passwordHash: user.passwordHash,
          previousPasswordHashes: user.previousPasswordHashes,
          mustChangePassword: false,
        },
      );
      await revokeEveryToken(manager, user.id, now, actor.tokenId);
    });
    return user;
  }

  /** The policy (password.rule.ts) and no reuse of the current or the last few. */
  private async checkNewPassword(user: UserEntity, newPassword: string): Promise<void> {
    const refused = passwordRefusal(newPassword, user.loginId);
    if (refused) {
      const message = `newPassword ${refused.problem}`;
      throw new DomainError('VALIDATION_FAILED', message, {
        fields: [{ field: 'newPassword', messages: [message], reason: refused.reason }],
      });
    }
    for (const earlier of [user.passwordHash, ...user.previousPasswordHashes]) {
      if (await this.hasher.verify(earlier, newPassword)) {
        throw new DomainError(
          'PASSWORD_REUSED',
          `The new password must differ from the current and the last ${PASSWORD_HISTORY_DEPTH}`,
        );
      }
    }
  }
}
