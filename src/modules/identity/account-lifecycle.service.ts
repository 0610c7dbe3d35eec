import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { noteAccountEvent } from '../../common/http/request-scope.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import type { UpdateUserRequest } from './dto/account.dto.js';
import { UserEntity } from './entities/user.entity.js';
import { generateOneTimePassword } from './one-time-password.js';
import { PasswordHasher } from './password-hasher.js';
import { PASSWORD_HISTORY_DEPTH, passwordProblem } from './password.rule.js';
import type { Actor } from './roles.js';
import { revokeEveryToken, subjectOf } from './sessions.service.js';

export interface PasswordReset {
  user: UserEntity;
  /** Shown once, in the response to the reset; only its hash is kept. */
  oneTimePassword: string;
}

/**
 * An admin's work on accounts: deactivation and reactivation, password
 * resets and display names. Every action that takes access away (a
 * deactivation, a reset) revokes all the user's tokens in the same
 * transaction, so their next request is already refused.
 */
@Injectable()
export class AccountLifecycleService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * The user can no longer log in (the login answers exactly as for a wrong
   * password) and every token of theirs is revoked. An admin cannot
   * deactivate themselves, so an admin always remains. Deactivating an
   * inactive user answers the user and writes nothing.
   */
  async deactivate(actor: Actor, userId: string): Promise<UserEntity> {
    const user = await this.findUser(userId);
    if (user.id === actor.userId) {
      throw new DomainError('SELF_ACCOUNT_CHANGE', 'You cannot deactivate your own account');
    }
    if (!user.active) return user;
    noteAccountEvent('user.deactivated', { subject: subjectOf(user) });
    const now = this.clock.now();
    await this.tx.run(async (manager) => {
      await manager.update(UserEntity, { id: user.id }, { active: false });
      await revokeEveryToken(manager, user.id, now);
    });
    user.active = false;
    return user;
  }

  /**
   * The user can log in again. Sessions revoked at the deactivation stay
   * revoked; a token a login raced into the deactivation is revoked now.
   */
  async reactivate(userId: string): Promise<UserEntity> {
    const user = await this.findUser(userId);
    if (user.active) return user;
    noteAccountEvent('user.reactivated', { subject: subjectOf(user) });
    const now = this.clock.now();
    await this.tx.run(async (manager) => {
      await manager.update(UserEntity, { id: user.id }, { active: true });
      await revokeEveryToken(manager, user.id, now);
    });
    user.active = true;
    return user;
  }

  /**
   * Replaces the password with a new random one-time password that must be
   * changed at the next login, and revokes every session. The second factor
   * and everything else stay. The old password joins the history, so it
   * cannot be chosen again. An admin changes their own password through
   * POST /api/auth/password, which asks for the current one.
   */
  async resetPassword(actor: Actor, userId: string): Promise<PasswordReset> {
    const user = await this.findUser(userId);
    if (user.id === actor.userId) {
      throw new DomainError(
        'SELF_ACCOUNT_CHANGE',
        'Change your own password with POST /api/auth/password',
      );
    }
    const oneTimePassword = this.newOneTimePassword(user.loginId);
    const passwordHash = await this.hasher.hash(oneTimePassword);
    const previousPasswordHashes = [user.passwordHash, ...user.previousPasswordHashes].slice(
      0,
      PASSWORD_HISTORY_DEPTH,
    );
    noteAccountEvent('password.reset', { subject: subjectOf(user) });
    const now = this.clock.now();
    await this.tx.run(async (manager) => {
      await manager.update(
        UserEntity,
        { id: user.id },
        { passwordHash, previousPasswordHashes, mustChangePassword: true },
      );
      await revokeEveryToken(manager, user.id, now);
    });
    Object.assign(user, { passwordHash, previousPasswordHashes, mustChangePassword: true });
    return { user, oneTimePassword };
  }

  /**
   * Edits what an admin may change of an account: its display name and its
   * e-mail address (`""` removes it). A field absent is left as it is; a
   * body with neither changes nothing.
   */
  async update(userId: string, request: UpdateUserRequest): Promise<UserEntity> {
    const user = await this.findUser(userId);
    const change: Partial<Pick<UserEntity, 'displayName' | 'email'>> = {
      ...(request.displayName !== undefined ? { displayName: request.displayName.trim() } : {}),
      ...(request.email !== undefined ? { email: request.email.trim() || null } : {}),
    };
    if (Object.keys(change).length === 0) return user;
    noteAccountEvent('user.updated', { subject: subjectOf(user) });
    await this.tx.run((manager) => manager.update(UserEntity, { id: user.id }, change));
    return Object.assign(user, change);
  }

  /**
   * About 112 random bits pass any policy; drawing again only guards against
   * a draw that happens to contain the login id.
   */
  /**
   * Marks a ward officer as an approver (所属長) of take-out requests of their
   * ward, or unmarks them. Only ward officers approve: an approver is also a
   * ward officer of the ward.
   */
  async setApprover(userId: string, approver: boolean): Promise<UserEntity> {
    const user = await this.findUser(userId);
    if (user.role !== 'ward_officer') {
      throw new DomainError(
        'APPROVER_NOT_WARD_OFFICER',
        'Only a ward officer can approve take-out requests',
        { role: user.role },
      );
    }
    noteAccountEvent('user.approver_changed', { subject: subjectOf(user) });
    await this.tx.run((manager) =>
      manager.update(UserEntity, { id: user.id }, { isApprover: approver }),
    );
    user.isApprover = approver;
    return user;
  }

  private newOneTimePassword(loginId: string): string {
    for (let attempt = 0; attempt < 10; attempt++) {
      const password = generateOneTimePassword();
      if (passwordProblem(password, loginId) === null) return password;
    }
    throw new Error('no one-time password passed the password policy in 10 draws');
  }

  private async findUser(id: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new DomainError('USER_NOT_FOUND', 'No such user');
    return user;
  }
}
