import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { noteAccountEvent } from '../../common/http/request-scope.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { UserEntity } from './entities/user.entity.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { subjectOf } from './sessions.service.js';

/** An admin's help for a user locked out by failed logins. */
@Injectable()
export class AccountSecurityService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly throttle: LoginThrottleService,
    private readonly tx: TransactionRunner,
  ) {}

  /** Lifts the lock on the user's login id and forgets its failures (idempotent). */
  async unlock(userId: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw new DomainError('USER_NOT_FOUND', 'No such user');
    noteAccountEvent('user.unlocked', { subject: subjectOf(user), status: 200 });
    await this.tx.run((manager) => this.throttle.unlock(manager, user.loginId));
    return user;
  }
}
