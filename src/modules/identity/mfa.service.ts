import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import QRCode from 'qrcode';
import { type EntityManager, IsNull, type Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import {
  type AccountEvent,
  currentRequestScope,
  noteAccountEvent,
} from '../../common/http/request-scope.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import type { LoginResult } from './auth.service.js';
import { generateBearerToken } from './bearer-token.js';
import type { VerifyMfaRequest } from './dto/mfa.dto.js';
import { AuthTokenEntity } from './entities/auth-token.entity.js';
import { RecoveryCodeEntity } from './entities/recovery-code.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { LoginThrottleService } from './login-throttle.service.js';
import {
  formatRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_BYTES,
  RECOVERY_CODE_COUNT,
} from './recovery-code.rule.js';
import type { Actor } from './roles.js';
import { newTokenRow, revokeEveryToken } from './sessions.service.js';
import { newTotpSecret, totpCodeAt, totpUri } from './totp-code.js';
import { candidateSteps, stepStart, totpStep } from './totp.rule.js';

/** How long the token between password and second factor lives. */
export const MFA_TOKEN_TTL_MINUTES = 5;

/** What a correct password gives on an account with a second factor. */
export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  expiresAt: Date;
}

export interface MfaEnrollment {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

export interface MfaStatus {
  enrolled: boolean;
  enrolledAt: Date | null;
  enrollmentPending: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

/** Thrown inside a transaction to roll it back: the code was spent meanwhile. */
class CodeSpent extends Error {}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const sameCode = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const subjectOf = (user: UserEntity) => ({
  userId: user.id,
  organizationId: user.organizationId,
  role: user.role,
  loginId: user.loginId,
});

/**
 * The second factor: TOTP (RFC 6238) with one-time recovery codes.
 *
 * Enrollment hands out a secret that takes effect only when a code made
 * from it is confirmed. After that, a correct password no longer gives a
 * session: it gives a token of kind 'mfa' that lives five minutes and that
 * only {@link verify} accepts, with a TOTP code or a recovery code, for a
 * session. A code is accepted once (its time step is stored; see
 * totp.rule.ts); wrong codes count toward the login id's lockout like wrong
 * passwords, and the correct password alone does not clear that count (so
 * someone who has the password gets LOGIN_MAX_FAILURES - 1 guesses at the
 * code, not an unlimited number across fresh logins).
 */
@Injectable()
export class MfaService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(RecoveryCodeEntity)
    private readonly recoveryCodes: Repository<RecoveryCodeEntity>,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly throttle: LoginThrottleService,
  ) {}

  /** Whether a correct password of this user must be followed by a second factor. */
  isEnrolled(user: UserEntity): boolean {
    return user.totpSecret !== null && user.totpSecret !== undefined;
  }

  /** Whether MFA_REQUIRED_ROLES makes this role enroll before anything else. */
  isRequiredFor(role: Actor['role']): boolean {
    return this.config.mfaRequiredRoles.has(role);
  }

  /**
   * The login step after a correct password on an enrolled account: a
   * limited token instead of a session. The password attempt no longer
   * counts, but earlier failures stay counted until a code is verified.
   */
  async issueChallenge(user: UserEntity): Promise<MfaChallenge> {
    const token = generateBearerToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + MFA_TOKEN_TTL_MINUTES * 60_000);
    const row = newTokenRow(token, user.id, 'mfa', now, expiresAt);
    noteAccountEvent('login.mfa_challenged', { subject: subjectOf(user), status: 200 });
    await this.tx.run(async (manager) => {
      await this.throttle.firstFactorPassed(manager, user.loginId);
      await manager.insert(AuthTokenEntity, row);
    });
    return { mfaRequired: true, mfaToken: token, expiresAt };
  }

  /**
   * Trades the 'mfa' token and a valid code (or an unused recovery code) for
   * a session; the 'mfa' token is revoked. A wrong, spent or replayed code is
   * MFA_CODE_INVALID and counts toward the lockout.
   */
  async verify(actor: Actor, request: VerifyMfaRequest): Promise<LoginResult> {
    const user = await this.users.findOneBy({ id: actor.userId });
    if (!user?.totpSecret) {
      throw new DomainError('MFA_NOT_ENROLLED', 'This account has no second factor');
    }
    try {
      await this.throttle.beginAttempt(user.loginId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'TOO_MANY_ATTEMPTS') {
        noteAccountEvent('login.refused_locked', {
          subject: subjectOf(user),
          status: error.status,
        });
      }
      throw error;
    }
    const now = this.clock.now();

    let spend: (manager: EntityManager) => Promise<void>;
    let event: AccountEvent;
    if (request.recoveryCode !== undefined) {
      const code = normalizeRecoveryCode(request.recoveryCode);
      event = 'mfa.recovery_code_used';
      spend = async (manager) => {
        if (code === null) throw new CodeSpent();
        const result = await manager.update(
          RecoveryCodeEntity,
          { userId: user.id, codeHash: sha256(code), usedAt: IsNull() },
          { usedAt: now },
        );
        if (result.affected !== 1) throw new CodeSpent();
      };
    } else {
      const step = this.matchingStep(user.totpSecret, request.code ?? '', user.totpLastStep, now);
      event = 'mfa.verified';
      spend = async (manager) => {
        if (step === null) throw new CodeSpent();
        // Compare-and-set: of two requests with the same code, one wins.
        const result = await manager
          .createQueryBuilder()
          .update(UserEntity)
          .set({ totpLastStep: step })
          .where('id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)', {
            id: user.id,
            step,
          })
          .execute();
        if (result.affected !== 1) throw new CodeSpent();
      };
    }

    const token = generateBearerToken();
    const expiresAt = new Date(now.getTime() + this.config.TOKEN_TTL_MINUTES * 60_000);
    const row = newTokenRow(token, user.id, 'session', now, expiresAt);
    noteAccountEvent(event, { subject: subjectOf(user), status: 200 });
    try {
      await this.tx.run(async (manager) => {
        await spend(manager);
        const revoked = await manager.update(
          AuthTokenEntity,
          { id: actor.tokenId, kind: 'mfa', revokedAt: IsNull() },
          { revokedAt: now },
        );
        if (revoked.affected !== 1) throw new CodeSpent();
        await manager.insert(AuthTokenEntity, row);
        await this.throttle.attemptSucceeded(manager, user.loginId);
      });
    } catch (error) {
      if (!(error instanceof CodeSpent)) throw error;
      noteAccountEvent('mfa.failed', { subject: subjectOf(user), status: 401 });
      // Taken here: on SQLite the unit of work may run in another request's context.
      const scope = currentRequestScope();
      await this.tx.run(async (manager) => {
        const { lockedNow } = await this.throttle.attemptFailed(manager, user.loginId);
        if (lockedNow && scope) scope.action = 'login.locked';
      });
      throw new DomainError('MFA_CODE_INVALID', 'The code is wrong, expired or already used');
    }
    return { token, expiresAt, user };
  }

  /**
   * Starts (or restarts) an enrollment: a new secret, kept as pending until
   * {@link confirm}. An account that has a second factor must have it reset
   * by an admin first.
   */
  async enroll(actor: Actor): Promise<MfaEnrollment> {
    const user = await this.users.findOneByOrFail({ id: actor.userId });
    if (user.totpSecret) {
      throw new DomainError('MFA_ALREADY_ENROLLED', 'A second factor is already set up');
    }
    const secret = newTotpSecret();
    noteAccountEvent('mfa.enrollment_started', { subject: subjectOf(user), status: 200 });
    const stored = await this.tx.run((manager) =>
      manager.update(
        UserEntity,
        { id: user.id, totpSecret: IsNull() },
        { totpPendingSecret: secret },
      ),
    );
    if (stored.affected !== 1) {
      // Confirmed by another request meanwhile.
      throw new DomainError('MFA_ALREADY_ENROLLED', 'A second factor is already set up');
    }
    const otpauthUri = totpUri(secret, this.config.MFA_ISSUER, user.loginId);
    const qrCode = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 });
    return { secret, otpauthUri, qrCode };
  }

  /**
   * Confirms the pending enrollment with a code made from its secret: the
   * second factor takes effect and ten recovery codes are returned, this
   * once. A wrong code writes nothing (the caller is already signed in and
   * holds the secret, so there is nothing to guess).
   */
  async confirm(actor: Actor, code: string): Promise<string[]> {
    const user = await this.users.findOneByOrFail({ id: actor.userId });
    if (user.totpSecret) {
      throw new DomainError('MFA_ALREADY_ENROLLED', 'A second factor is already set up');
    }
    const pending = user.totpPendingSecret;
    if (!pending) {
      throw new DomainError(
        'MFA_ENROLLMENT_NOT_STARTED',
        'Start with POST /api/auth/mfa/enroll, then confirm with a code',
      );
    }
    const now = this.clock.now();
    const step = this.matchingStep(pending, code, null, now);
    if (step === null) {
      throw new DomainError('MFA_CODE_INVALID', 'The code does not match the new secret');
    }
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
      formatRecoveryCode(randomBytes(RECOVERY_CODE_BYTES)),
    );
    noteAccountEvent('mfa.enrolled', { subject: subjectOf(user), status: 200 });
    try {
      await this.tx.run(async (manager) => {
        const result = await manager.update(
          UserEntity,
          { id: user.id, totpSecret: IsNull(), totpPendingSecret: pending },
          {
            totpSecret: pending,
            totpPendingSecret: null,
            totpConfirmedAt: now,
            totpLastStep: step,
          },
        );
        if (result.affected !== 1) throw new CodeSpent();
        await this.replaceRecoveryCodes(manager, user.id, codes, now);
      });
    } catch (error) {
      if (!(error instanceof CodeSpent)) throw error;
      throw new DomainError(
        'MFA_ENROLLMENT_NOT_STARTED',
        'The enrollment changed meanwhile; start again with POST /api/auth/mfa/enroll',
      );
    }
    return codes;
  }

  async status(actor: Actor): Promise<MfaStatus> {
    const user = await this.users.findOneByOrFail({ id: actor.userId });
    const left = await this.recoveryCodes.countBy({ userId: user.id, usedAt: IsNull() });
    return {
      enrolled: this.isEnrolled(user),
      enrolledAt: user.totpConfirmedAt,
      enrollmentPending: user.totpPendingSecret !== null,
      required: this.isRequiredFor(user.role),
      recoveryCodesLeft: this.isEnrolled(user) ? left : 0,
    };
  }

  /**
   * An admin removes a user's second factor (a lost phone): secret, pending
   * enrollment and recovery codes go, and every token of the user is
   * revoked. The user enrolls again at the next login if their role
   * requires it. Not on one's own account: a stolen admin session must not
   * be able to move the admin's second factor to another device.
   */
  async reset(admin: Actor, userId: string): Promise<void> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw new DomainError('USER_NOT_FOUND', 'No such user');
    if (user.id === admin.userId) {
      throw new DomainError(
        'SELF_ACCOUNT_CHANGE',
        "Another admin resets an admin's own second factor",
      );
    }
    if (!user.totpSecret && !user.totpPendingSecret) {
      throw new DomainError('MFA_NOT_ENROLLED', 'This user has no second factor to reset');
    }
    const now = this.clock.now();
    noteAccountEvent('mfa.reset', { subject: subjectOf(user), status: 204 });
    await this.tx.run(async (manager) => {
      await this.clearSecondFactor(manager, user.id);
      await revokeEveryToken(manager, user.id, now);
    });
  }

  /**
   * Enrolls a user without the confirming round trip, for seed:demo (which
   * prints the secret for a tester). Returns the secret and recovery codes.
   */
  async enrollDirectly(
    manager: EntityManager,
    userId: string,
  ): Promise<{ secret: string; recoveryCodes: string[] }> {
    const now = this.clock.now();
    const secret = newTotpSecret();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
      formatRecoveryCode(randomBytes(RECOVERY_CODE_BYTES)),
    );
    await manager.update(
      UserEntity,
      { id: userId },
      { totpSecret: secret, totpPendingSecret: null, totpConfirmedAt: now, totpLastStep: null },
    );
    await this.replaceRecoveryCodes(manager, userId, codes, now);
    return { secret, recoveryCodes: codes };
  }

  /** The time step whose code `code` is, among those still unspent around `now`, or null. */
  private matchingStep(
    secret: string,
    code: string,
    lastAcceptedStep: number | null,
    now: Date,
  ): number | null {
    for (const step of candidateSteps(totpStep(now), lastAcceptedStep)) {
      if (sameCode(totpCodeAt(secret, stepStart(step)), code)) return step;
    }
    return null;
  }

  private async replaceRecoveryCodes(
    manager: EntityManager,
    userId: string,
    codes: string[],
    now: Date,
  ): Promise<void> {
    await manager.delete(RecoveryCodeEntity, { userId });
    await manager.insert(
      RecoveryCodeEntity,
      codes.map((code) => ({
        id: randomUUID(),
        userId,
        codeHash: sha256(normalizeRecoveryCode(code) ?? code),
        createdAt: now,
        usedAt: null,
      })),
    );
  }

  private async clearSecondFactor(manager: EntityManager, userId: string): Promise<void> {
    await manager.update(
      UserEntity,
      { id: userId },
      { totpSecret: null, totpPendingSecret: null, totpConfirmedAt: null, totpLastStep: null },
    );
    await manager.delete(RecoveryCodeEntity, { userId });
  }
}
