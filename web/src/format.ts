import type { components } from './api/schema';
// The service's own names of the ledger's entry types (one list for exports and screens).
import { LEDGER_EVENT_LABELS } from '../../src/modules/ledger/ledger-events';
import { businessDateOf } from '../../src/common/time/business-date';

type Schemas = components['schemas'];

/** Every date on screen is shown in the ward's time zone, Japanese style. */
export const BUSINESS_TIMEZONE = 'Asia/Tokyo';

const DATE_TIME = new Intl.DateTimeFormat('ja-JP', {
  timeZone: BUSINESS_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

const DATE = new Intl.DateTimeFormat('ja-JP', {
  timeZone: BUSINESS_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** 2026/12/03 15:42 for an instant. */
export function dateTime(iso: string | null | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '—';
}

const DATE_TIME_SECONDS = new Intl.DateTimeFormat('ja-JP', {
  timeZone: BUSINESS_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** 2026/12/03 15:42:07 for an instant (the access log's precision). */
export function dateTimeSeconds(iso: string | null | undefined): string {
  return iso ? DATE_TIME_SECONDS.format(new Date(iso)) : '—';
}

/** 2026/12/03 for an instant or a calendar date (YYYY-MM-DD, taken as that day in Tokyo). */
export function date(value: string | null | undefined): string {
  if (!value) return '—';
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+09:00` : value;
  return DATE.format(new Date(instant));
}

export const MEDIUM_KINDS = {
  dvd_r: 'DVD-R',
  cd_r: 'CD-R',
  usb: 'USBメモリ',
  encrypted_file: '暗号化ファイル',
  paper: '紙',
  password_notice: 'パスワード通知書',
} satisfies Record<Schemas['MediumResponse']['kind'], string>;

export const CUSTODY_STATES = {
  held: '保管中',
  in_transit: '引渡し中',
  returned: '返却済み',
  erased: '消去済み',
  destroyed: '破壊済み',
  lost: '亡失',
  compromised: '要確認（封印破損等）',
} satisfies Record<Schemas['CustodyResponse']['state'], string>;

export const ROLES = {
  ward_officer: '区職員',
  contractor_staff: '委託先取扱者',
  auditor: '監査担当',
  admin: 'システム管理者',
} satisfies Record<Schemas['UserResponse']['role'], string>;

/** How a notification's e-mail stands, as the inbox says it. */
export const MAIL_STATES = {
  waiting: 'メール：まとめて送信予定',
  pending: 'メール送信中',
  sent: 'メール送信済み',
  failed: 'メール送信失敗',
  cancelled: 'メール送信取消',
} satisfies Record<NonNullable<Schemas['NotificationResponse']['mail']>['status'], string>;

/** How a user wants notifications by e-mail. */
export const MAIL_MODES = {
  immediate: '通知ごとにすぐ送る',
  digest: '1日1回まとめて送る（定時の通知確認の時刻）',
  off: 'メールでは受け取らない',
} satisfies Record<NonNullable<Schemas['UserResponse']['mailMode']>, string>;

export const HANDOVER_METHODS = {
  hand: '手渡し',
  lgwan: 'LGWAN',
} satisfies Record<Schemas['HandoverResponse']['method'], string>;

export const HANDOVER_PURPOSES = {
  provide: '提供',
  return: '返却',
  subcontract: '再委託先へ',
  internal: '組織内',
} satisfies Record<Schemas['HandoverResponse']['purpose'], string>;

/** 媒体登録, 引渡, 受領… for a ledger entry's type; the type itself for one this build does not know. */
export function entryTypeLabel(type: string): string {
  return (LEDGER_EVENT_LABELS as Record<string, string>)[type] ?? type;
}

/** The calendar date (YYYY-MM-DD) of an instant in Tokyo: today, by default. */
export function tokyoDate(instant: Date = new Date()): string {
  return businessDateOf(instant, BUSINESS_TIMEZONE);
}

/** The Japanese fiscal year (年度, 1 April – 31 March) of an instant in Tokyo: today's, by default. */
export function fiscalYearOf(instant: Date = new Date()): number {
  const day = tokyoDate(instant);
  const year = Number(day.slice(0, 4));
  return Number(day.slice(5, 7)) >= 4 ? year : year - 1;
}

/**
 * What the access log calls an action (the service's handler name, such as
 * `ledger.export`, or an account event, such as `login.failed`), in Japanese.
 */
export const ACCESS_LOG_ACTIONS: Record<string, string> = {
  // Account events
  'login.succeeded': 'ログイン',
  'login.mfa_challenged': 'ログイン（確認コード待ち）',
  'login.failed': 'ログイン失敗',
  'login.locked': 'ログインのロック',
  'login.refused_locked': 'ロック中のログイン拒否',
  'auth.rate_limited': '認証の回数制限',
  logout: 'ログアウト',
  'password.changed': 'パスワード変更',
  'password.change_failed': 'パスワード変更の失敗',
  'password.reset': 'パスワードの再設定',
  'mfa.enrollment_started': '二要素認証の設定開始',
  'mfa.enrolled': '二要素認証の設定',
  'mfa.verified': '確認コードの確認',
  'mfa.failed': '確認コードの誤り',
  'mfa.recovery_code_used': '回復コードの使用',
  'mfa.reset': '二要素認証の解除',
  'user.created': '利用者の作成',
  'user.updated': '利用者の変更',
  'user.deactivated': '利用者の無効化',
  'user.reactivated': '利用者の再有効化',
  'user.approver_changed': '承認者の指定変更',
  'user.unlocked': 'ロック解除',
  'session.revoked': 'セッションの終了',
  'session.expired_idle': '無操作によるセッション終了',
  // Handlers
  'auth.login': 'ログイン',
  'auth.logout': 'ログアウト',
  'auth.me': '本人情報の参照',
  'auth.changePassword': 'パスワード変更',
  'auth.mailSettings': 'メール通知の設定',
  'mfa.status': '二要素認証の状態参照',
  'mfa.enroll': '二要素認証の設定開始',
  'mfa.confirm': '二要素認証の設定確認',
  'mfa.verify': '確認コードの入力',
  'sessions.list': 'セッション一覧の参照',
  'sessions.revoke': 'セッションの終了',
  'users.create': '利用者の作成',
  'users.list': '利用者一覧の参照',
  'accounts.update': '利用者の変更',
  'accounts.setApprover': '承認者の指定',
  'accounts.deactivate': '利用者の無効化',
  'accounts.reactivate': '利用者の再有効化',
  'accounts.resetPassword': 'パスワードの再設定',
  'accounts.listSessions': '利用者のセッション参照',
  'accounts.revokeSessions': '利用者のセッション終了',
  'accountSecurity.unlock': 'ロック解除',
  'organizations.create': '組織の作成',
  'organizations.update': '組織の設定変更',
  'organizations.list': '組織一覧の参照',
  'organizations.get': '組織の参照',
  'contracts.create': '契約の登録',
  'contracts.list': '契約一覧の参照',
  'contracts.get': '契約の参照',
  'contracts.addRosterEntry': '名簿への追加',
  'contracts.listRoster': '名簿の参照',
  'contracts.removeRosterEntry': '名簿からの削除',
  'contracts.recordTraining': '教育の記録',
  'contracts.listTrainings': '教育記録の参照',
  'media.register': '媒体の登録',
  'media.list': '媒体一覧の参照',
  'media.get': '媒体の参照',
  'media.store': '保管場所の記録',
  'handovers.dispatch': '引渡し',
  'handovers.receive': '受領',
  'handovers.list': '引渡し一覧の参照',
  'handovers.report': '事故の報告',
  'handovers.incidents': '事故一覧の参照',
  'ledger.list': '管理簿の参照',
  'ledger.verify': '管理簿の検証',
  'ledger.export': '管理簿のCSV出力',
  'ledger.exportXlsx': '管理簿のExcel出力',
  'ledgerProof.checkpoint': '管理簿のチェックポイントの取得',
  'ledgerProof.inclusion': '管理簿の包含証明の取得',
  'ledgerProof.consistency': '管理簿の整合性証明の取得',
  'ledgerProof.entryProof': '管理簿の記録1件の証明の取得',
  'witnessKeys.list': '証人鍵の一覧',
  'witnessKeys.register': '証人鍵の登録',
  'witnessKeys.get': '証人鍵の参照',
  'witnessKeys.revoke': '証人鍵の失効',
  'checkpointCosign.cosign': 'チェックポイントへの連署',
  'evidence.download': '証拠パッケージの出力',
  'transparencyKey.key': 'チェックポイント署名鍵の取得',
  'closeout.submit': '消去証明書の提出',
  'closeout.list': '消去証明書の参照',
  'closeout.pdf': '消去証明書のPDF出力',
  'closeout.confirm': '消去証明書の確認',
  'closeout.reject': '消去証明書の差戻し',
  'closeout.outstanding': '未返却・未消去の参照',
  'closeout.close': '契約の終了',
  'takeout.create': '持出しの申請',
  'takeout.list': '持出し申請の参照',
  'takeout.get': '持出し申請の参照',
  'takeout.approve': '持出しの承認',
  'takeout.reject': '持出しの却下',
  'takeout.withdraw': '持出し申請の取下げ',
  'audits.getChecklist': '調査項目の参照',
  'audits.putChecklist': '調査項目の変更',
  'audits.record': '立入調査の記録',
  'audits.list': '立入調査の参照',
  'audits.reportPdf': '立入調査報告書のPDF出力',
  'audits.status': '立入調査の状況参照',
  'work.get': '今日の作業の参照',
  'auditFindings.list': '指摘事項の参照',
  'auditFindings.reportFixed': '是正の報告',
  'auditFindings.verify': '是正の確認',
  'auditFindings.reopen': '是正の差戻し',
  'notifications.inbox': '通知の参照',
  'notifications.read': '通知の既読',
  'webhooks.configure': 'Webhookの設定',
  'webhooks.get': 'Webhookの参照',
  'webhooks.remove': 'Webhookの削除',
  'webhooks.deliveries': 'Webhook送信履歴の参照',
  'adminJobs.reminderScan': '通知の点検の実行',
  'accessLog.list': 'アクセスログの参照',
  'accessLog.verify': 'アクセスログの検証',
  'accessLog.export': 'アクセスログのCSV出力',
  'places.designate': '保管場所の指定',
  'places.list': '保管場所の参照',
  'places.withdraw': '保管場所の指定取消し',
  'places.consent': '保管場所の承諾',
  'places.consents': '保管場所の承諾の参照',
  'copies.permit': '複製の許可',
  'copies.list': '複製の許可の参照',
  'signingCertificates.register': '署名用証明書の登録',
  'signingCertificates.list': '署名用証明書の参照',
  'signingCertificates.revoke': '署名用証明書の失効',
  'statusReports.request': '状況報告の依頼',
  'statusReports.list': '状況報告の参照',
  'statusReports.get': '状況報告の参照',
  'statusReports.answer': '状況報告の回答',
  'statusReports.pdf': '状況報告のPDF出力',
  'emergencyPlan.get': '緊急時体制の参照',
  'emergencyPlan.recordContacts': '緊急連絡先の記録',
  'emergencyPlan.recordProcedure': '事故対応手順の記録',
  'emergencyPlan.confirmProcedure': '事故対応手順の確認',
  'health.health': '稼働確認',
  'health.live': '稼働確認（生存）',
  'health.ready': '稼働確認（受付可否）',
};

/** ログイン失敗, 管理簿のCSV出力… for an access-log action; the action itself for one this build does not know. */
export function accessActionLabel(action: string): string {
  return ACCESS_LOG_ACTIONS[action] ?? action;
}
