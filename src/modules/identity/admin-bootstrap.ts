import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { isUniqueViolation } from '../../common/errors/unique-violation.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';

/**
 * Creates the first admin from BOOTSTRAP_ADMIN_LOGIN / BOOTSTRAP_ADMIN_PASSWORD
 * while the database has no user at all. There are no built-in credentials:
 * without those variables an empty service has nobody who can log in.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
  }

  /** Returns true when it created the admin. */
  async run(): Promise<boolean> {
    const users = this.dataSource.getRepository(UserEntity);
    if ((await users.count()) > 0) return false;
    const login = this.config.BOOTSTRAP_ADMIN_LOGIN;
    const password = this.config.BOOTSTRAP_ADMIN_PASSWORD;
    if (!login || !password) {
      this.logger.warn(
        'No user exists yet. Set BOOTSTRAP_ADMIN_LOGIN and BOOTSTRAP_ADMIN_PASSWORD to create the first admin, or run `npm run seed:demo`.',
      );
      return false;
    }
    const passwordHash = await this.hasher.hash(password);
    const now = this.clock.now();
    try {
      await this.tx.run(async (manager) => {
        if ((await manager.count(UserEntity)) > 0) return;
        const name = this.config.BOOTSTRAP_ORGANIZATION_NAME;
        let organization = await manager.findOneBy(OrganizationEntity, { name });
        if (!organization) {
          organization = manager.create(OrganizationEntity, {
            id: randomUUID(),
            name,
            kind: 'ward',
            createdAt: now,
          });
          await manager.insert(OrganizationEntity, organization);
        }
        await manager.insert(UserEntity, {
          id: randomUUID(),
          organizationId: organization.id,
          loginId: login,
          displayName: 'Administrator',
          role: 'admin',
          passwordHash,
          previousPasswordHashes: [],
          mustChangePassword: true,
          active: true,
          createdAt: now,
        });
      });
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    this.logger.log(
      this.config.mfaRequiredRoles.has('admin')
        ? `Created the first admin "${login}"; at first login the password must be changed, then a second factor set up (POST /api/auth/mfa/enroll).`
        : `Created the first admin "${login}"; the password must be changed at first login.`,
    );
    return true;
  }
}
