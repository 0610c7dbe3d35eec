import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';
import { sqliteFilePath } from '../database/data-source-options.js';
import { ContractsService } from '../modules/contracts/contracts.service.js';
import { RosterService } from '../modules/contracts/roster.service.js';
import { EmergencyPlanService } from '../modules/emergency/emergency-plan.service.js';
import { OrganizationEntity } from '../modules/identity/entities/organization.entity.js';
import { UserEntity } from '../modules/identity/entities/user.entity.js';
import { IdentityService } from '../modules/identity/identity.service.js';
import { MfaService } from '../modules/identity/mfa.service.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { businessDateOf } from '../common/time/business-date.js';
import { Clock } from '../common/time/clock.js';
import { AccountLifecycleService } from '../modules/identity/account-lifecycle.service.js';
import { TakeoutService } from '../modules/takeout/takeout.service.js';
import type { Actor, Role } from '../modules/identity/roles.js';

const DEMO_WARD = 'デモ区 区民部 (demo ward)';
/** In DATA_DIR: the demo logins as shell variables. */
const DEMO_LOGINS_FILE = 'demo-logins.env';

interface DemoUser {
  loginId: string;
  displayName: string;
  role: Role;
  organization: 'ward' | 'contractor' | 'subcontractor';
}

const DEMO_USERS: DemoUser[] = [
  { loginId: 'demo.admin', displayName: '管理 太郎', role: 'admin', organization: 'ward' },
  { loginId: 'demo.officer', displayName: '区民 花子', role: 'ward_officer', organization: 'ward' },
  { loginId: 'demo.chief', displayName: '課長 真理', role: 'ward_officer', organization: 'ward' },
  { loginId: 'demo.auditor', displayName: '監査 一郎', role: 'auditor', organization: 'ward' },
  {
    loginId: 'demo.responsible',
    displayName: '責任 次郎',
    role: 'contractor_staff',
    organization: 'contractor',
  },
  {
    loginId: 'demo.handler',
    displayName: '取扱 三郎',
    role: 'contractor_staff',
    organization: 'contractor',
  },
  {
    loginId: 'demo.sub',
    displayName: '再委 四郎',
    role: 'contractor_staff',
    organization: 'subcontractor',
  },
];

const actorOf = (user: UserEntity): Actor => ({
  userId: user.id,
  organizationId: user.organizationId,
  role: user.role,
  loginId: user.loginId,
  displayName: user.displayName,
  tokenId: 'seed-demo',
  mustChangePassword: false,
});

/**
 * `npm run seed:demo`: a ward, a contractor, a subcontractor, one user of each
 * role and a contract with its roster, so that a new user can try the API.
 * Prints the logins with one-time passwords (changed at first login). Run
 * again, it changes nothing and says so.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, runsWorkers: false }),
    {
      logger: ['fatal', 'error'],
    },
  );
  try {
    const dataSource = app.get(DataSource);
    if (await dataSource.getRepository(OrganizationEntity).existsBy({ name: DEMO_WARD })) {
      process.stdout.write(
        `Demo data is already in the ${config.databaseKind} database; its one-time passwords and TOTP secrets were printed when it was created.\n` +
          `Logins: ${DEMO_USERS.map((u) => u.loginId).join(', ')}\n`,
      );
      return;
    }
    const identity = app.get(IdentityService);
    const organizations = {
      ward: await identity.createOrganization({ name: DEMO_WARD, kind: 'ward' }),
      contractor: await identity.createOrganization({
        name: '株式会社デモ情報処理 (demo contractor)',
        kind: 'contractor',
      }),
      subcontractor: await identity.createOrganization({
        name: 'デモ印刷株式会社 (demo subcontractor)',
        kind: 'contractor',
      }),
    };
    const created = new Map<string, { user: UserEntity; password: string; totpSecret: string }>();
    const mfa = app.get(MfaService);
    const tx = app.get(TransactionRunner);
    for (const demo of DEMO_USERS) {
      const password = randomBytes(12).toString('base64url');
      const user = await identity.createUser({
        organizationId: organizations[demo.organization].id,
        loginId: demo.loginId,
        displayName: demo.displayName,
        role: demo.role,
        password,
      });
      // Enrolled in the second factor here, so that a tester can log in
      // with `npm run totp -- <secret>` instead of a phone.
      const { secret } = await tx.run((manager) => mfa.enrollDirectly(manager, user.id));
      created.set(demo.loginId, { user, password, totpSecret: secret });
    }
    const officer = actorOf(created.get('demo.officer')!.user);
    const contract = await app.get(ContractsService).create(officer, {
      title: '住民税課税資料のデータ入力業務委託 (demo)',
      contractorOrganizationId: organizations.contractor.id,
      subcontractorOrganizationIds: [organizations.subcontractor.id],
      startsOn: '2026-09-01',
      endsOn: '2027-03-31',
      dataItems: ['氏名', '住所', '生年月日', '課税額'],
      subjectCount: 12000,
    });
    const roster = app.get(RosterService);
    const entries: Array<[string, 'responsible' | 'handler']> = [
      ['demo.responsible', 'responsible'],
      ['demo.handler', 'handler'],
      ['demo.sub', 'responsible'],
    ];
    for (const [loginId, role] of entries) {
      await roster.add(officer, contract.contract.id, {
        userId: created.get(loginId)!.user.id,
        role,
        validFrom: '2026-09-01',
        // 従事者に対する教育: each handler trained before the contract starts.
        training: {
          trainedOn: '2026-08-25',
          course: '個人情報の適正な取扱いに関する研修 (demo)',
          trainer: 'デモ情報システム株式会社 情報セキュリティ委員会',
        },
      });
    }

    // 事故等への対応体制: both sides' contacts and the incident procedure, confirmed
    // by both, so that the first handover of the walk-through may go.
    const responsible = actorOf(created.get('demo.responsible')!.user);
    const plans = app.get(EmergencyPlanService);
    const contact = (name: string, role: string, phone: string) => ({
      contacts: [{ name, role, phone, hours: '平日 8:30–17:15' }],
    });
    await plans.recordContacts(
      officer,
      contract.contract.id,
      contact('デモ 担当課長', '課長', '03-0000-0001'),
    );
    await plans.recordContacts(
      responsible,
      contract.contract.id,
      contact('デモ 責任者', '取扱責任者', '03-0000-0002'),
    );
    await plans.recordProcedure(officer, contract.contract.id, {
      text: '事故を発見したら直ちに区の担当課へ電話で報告し、その指示に従う (demo)',
    });
    await plans.confirmProcedure(officer, contract.contract.id, {});
    await plans.confirmProcedure(responsible, contract.contract.id, {});

    // The section head (所属長) approves the officer's take-out request for two
    // DVD-Rs, so that the walk-through can register and dispatch them.
    const chief = created.get('demo.chief')!.user;
    await app.get(AccountLifecycleService).setApprover(chief.id, true);
    const takeout = app.get(TakeoutService);
    const request = await takeout.create(officer, contract.contract.id, {
      dataItems: ['氏名', '住所', '課税額'],
      recordCount: 12000,
      mediaKinds: ['dvd_r'],
      mediaCount: 2,
      purpose: 'provide',
      plannedOn: businessDateOf(app.get(Clock).now(), config.BUSINESS_TIMEZONE),
      terminalId: 'PC-ZEIMU-012',
      note: '委託先への提供用 (demo)',
    });
    await takeout.approve(actorOf(chief), contract.contract.id, request.id);

    const base = serviceUrl(config);
    const lines = [
      `Demo data created in ${databaseDescription(config)}.`,
      `Open the web app at ${base}/ once the service runs there (npm start); the API is at ${base}/api.`,
      `Contract ${contract.contract.id}: ${contract.contract.title}`,
      `Take-out request ${request.id}: approved by demo.chief for two DVD-Rs of demo.officer`,
      '',
      'login              role              one-time password  TOTP secret (second factor)',
      ...DEMO_USERS.map((u) => {
        const { password, totpSecret } = created.get(u.loginId)!;
        return `${u.loginId.padEnd(18)} ${u.role.padEnd(17)} ${password.padEnd(18)} ${totpSecret}`;
      }),
      '',
      'Each demo user has a second factor: add the secret to an authenticator app, or print',
      'the current code with `npm run totp -- <TOTP secret>`.',
      '',
      `Log in:  curl -s -X POST ${base}/api/auth/login -H "content-type: application/json" \\`,
      `           -d '{"loginId":"demo.officer","password":"<one-time password>"}'`,
      'It answers {mfaRequired, mfaToken}: POST /api/auth/mfa/verify {"code":"<6 digits>"} with',
      '"authorization: Bearer <mfaToken>" gives the session token. Then POST /api/auth/password',
      '{currentPassword, newPassword} with it, and explore /api/docs.',
    ];
    const envFile = writeLoginsFile(config, base, created);
    lines.push(
      '',
      `The same logins as shell variables (DEMO_OFFICER_PASSWORD, DEMO_OFFICER_TOTP, …) are in`,
      `${envFile} (readable by you alone), for docs/walkthrough.sh and the README's examples:`,
      `  . ${envFile}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await app.close();
  }
}

/**
 * The demo logins as shell assignments in DATA_DIR (next to the SQLite file,
 * out of git), so that the README's examples and docs/walkthrough.sh work as
 * pasted: `demo.officer` becomes DEMO_OFFICER_PASSWORD and DEMO_OFFICER_TOTP.
 * One-time passwords of demo users only; the file is the owner's alone.
 */
function writeLoginsFile(
  config: AppConfig,
  base: string,
  created: Map<string, { password: string; totpSecret: string }>,
): string {
  const file = resolve(config.DATA_DIR, DEMO_LOGINS_FILE);
  const lines = [
    '# kanribo demo logins, written by seed:demo. The passwords are one-time: the first',
    '# login changes them (docs/walkthrough.sh keeps the new one here as DEMO_NEW_PASSWORD).',
    `API=${base}/api`,
    ...[...created].flatMap(([loginId, { password, totpSecret }]) => {
      const name = loginId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
      return [`${name}_PASSWORD=${password}`, `${name}_TOTP=${totpSecret}`];
    }),
  ];
  mkdirSync(config.DATA_DIR, { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

/**
 * Where the service answers, from PORT and HOST as `npm start` reads them:
 * a wildcard address is reached as localhost, an IPv6 one in brackets.
 */
function serviceUrl(config: Pick<AppConfig, 'PORT' | 'HOST' | 'TLS_CERT_FILE'>): string {
  const scheme = config.TLS_CERT_FILE ? 'https' : 'http';
  const host =
    config.HOST === '0.0.0.0' || config.HOST === '::' || config.HOST === ''
      ? 'localhost'
      : config.HOST.includes(':')
        ? `[${config.HOST}]`
        : config.HOST;
  return `${scheme}://${host}:${config.PORT}`;
}

/** The SQLite file by its full path, or the PostgreSQL database by host and name (never its password). */
function databaseDescription(config: AppConfig): string {
  if (config.databaseKind === 'sqlite') return `the SQLite file ${sqliteFilePath(config)}`;
  const url = new URL(config.DATABASE_URL!);
  return `the PostgreSQL database ${url.pathname.replace(/^\//, '')} on ${url.host}`;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kanribo: seeding failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
