import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, type Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { bool, Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { generateBearerToken, hashBearerToken } from './bearer-token.js';
import type { ChangePasswordRequest, LoginRequest } from './dto/auth.dto.js';
import { AuthTokenEntity } from './entities/auth-token.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { PASSWORD_HISTORY_DEPTH, passwordProblem } from './password.rule.js';
import type { Actor } from './roles.js';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: UserEntity;
}

const INVALID_CREDENTIALS = 'The login id or the password is wrong';

/** Logins, bearer tokens and password changes. */
@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * Checks the password and issues a token. An unknown login, a disabled
   * account and a wrong password all get the same answer after the same work.
   */
  async login(request: LoginRequest): Promise<LoginResult> {
    const user = await this.users.findOneBy({ loginId: request.loginId });
    const ok =
      user && user.active
        ? await this.hasher.verify(user.passwordHash, request.password)
        : await this.hasher.verifyDecoy(request.password);
    if (!ok || !user) throw new DomainError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);

    const token = generateBearerToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.TOKEN_TTL_MINUTES * 60_000);
    await this.tx.run((manager) =>
      manager.insert(AuthTokenEntity, {
        id: randomUUID(),
        tokenHash: hashBearerToken(token),
        userId: user.id,
        createdAt: now,
        expiresAt,
        revokedAt: null,
      }),
    );
    return { token, expiresAt, user };
  }

  /**
   * The caller a bearer token stands for, or null if it is unknown, revoked
   * or expired. Runs on every request, so it is one plain query.
   */
  async authenticate(token: string): Promise<Actor | null> {
    const row = await new Sql(this.users.manager).one<{
      token_id: string;
      expires_at: string;
      revoked_at: string | null;
      user_id: string;
      organization_id: string;
      role: Actor['role'];
      login_id: string;
      display_name: string;
      active: unknown;
      must_change_password: unknown;
    }>(
      `SELECT t.id AS token_id, t.expires_at, t.revoked_at, u.id AS user_id, u.organization_id,
              u.role, u.login_id, u.display_name, u.active, u.must_change_password
         FROM auth_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ?`,
      [hashBearerToken(token)],
    );
    if (!row || row.revoked_at !== null || !bool(row.active)) return null;
    if (row.expires_at <= this.clock.now().toISOString()) return null;
    return {
      userId: row.user_id,
      organizationId: row.organization_id,
      role: row.role,
      loginId: row.login_id,
      displayName: row.display_name,
      tokenId: row.token_id,
      mustChangePassword: bool(row.must_change_password),
    };
  }

  async logout(actor: Actor): Promise<void> {
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
    if (!(await this.hasher.verify(user.passwordHash, request.currentPassword))) {
      throw new DomainError('CURRENT_PASSWORD_WRONG', 'The current password is wrong');
    }
    const problem = passwordProblem(request.newPassword, user.loginId);
    if (problem) {
      throw new DomainError('VALIDATION_FAILED', `newPassword ${problem}`, {
        fields: [{ field: 'newPassword', messages: [`newPassword ${problem}`] }],
      });
    }
    for (const earlier of [user.passwordHash, ...user.previousPasswordHashes]) {
      if (await this.hasher.verify(earlier, request.newPassword)) {
        throw new DomainError(
          'PASSWORD_REUSED',
          `The new password must differ from the current and the last ${PASSWORD_HISTORY_DEPTH}`,
        );
      }
    }
    user.previousPasswordHashes = [user.passwordHash, ...user.previousPasswordHashes].slice(
      0,
      PASSWORD_HISTORY_DEPTH,
    );
    user.passwordHash = await this.hasher.hash(request.newPassword);
    user.mustChangePassword = false;
    const now = this.clock.now();
    await this.tx.run(async (manager) => {
      await manager.update(
        UserEntity,
        { id: user.id },
        {
          passwordHash: user.passwordHash,
          previousPasswordHashes: user.previousPasswordHashes,
          mustChangePassword: false,
        },
      );
      await manager.update(
        AuthTokenEntity,
        { userId: user.id, id: Not(actor.tokenId), revokedAt: IsNull() },
        { revokedAt: now },
      );
    });
    return user;
  }
}
