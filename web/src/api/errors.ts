import type { PasswordRefusal } from '../../../src/modules/identity/password.rule';
/**
 * Every error code of the API, said once in Japanese. The screens never show
 * the API's English message or raw JSON: they show this text next to the
 * field or action concerned. A test checks that each code the service knows
 * is here.
 */
export const ERROR_MESSAGES: Record<string, string> = {
  VALIDATION_FAILED: '入力内容に誤りがあります。各項目を確認してください。',
  MALFORMED_JSON: '送信内容を読み取れませんでした。',
  BAD_REQUEST: '要求の形式が正しくありません。',
  CONFLICT: 'ほかの操作と競合しました。画面を更新してからやり直してください。',
  UNPROCESSABLE: 'この内容では処理できません。',
  TOO_MANY_REQUESTS: '短時間に多くの要求がありました。しばらく待ってからやり直してください。',
  UNSUPPORTED_MEDIA_TYPE: 'この形式のデータは送信できません。',
  PAYLOAD_TOO_LARGE: '送信する内容が大きすぎます。',
  URI_TOO_LONG: 'アドレスが長すぎます。',
  HEADERS_TOO_LARGE: '要求のヘッダーが大きすぎます。',
  REQUEST_TIMEOUT: '要求が時間内に届きませんでした。',
  NOT_FOUND: '見つかりません。',
  METHOD_NOT_ALLOWED: 'この操作はできません。',
  INTERNAL_ERROR: 'サーバーで問題が発生しました。時間をおいてやり直してください。',
  SERVICE_UNAVAILABLE: 'サービスが一時的に利用できません。',
  IDEMPOTENCY_KEY_INVALID: '再送用のキーが正しくありません。',
  IDEMPOTENCY_KEY_REUSED: '同じ再送用キーで別の内容が送られました。',
  IDEMPOTENCY_KEY_IN_PROGRESS: '同じ操作を処理中です。しばらく待ってください。',
  IDEMPOTENCY_ANSWER_LOST: '前回の操作の結果を確認できません。一覧で状態を確認してください。',
  UNAUTHENTICATED: 'ログインしてください（一定時間操作がなかったため終了した可能性があります）。',
  INVALID_CREDENTIALS: 'ログインIDまたはパスワードが違います。',
  FORBIDDEN_ROLE: 'この操作を行う権限がありません。',
  PASSWORD_CHANGE_REQUIRED: '初回ログインのため、パスワードを変更してください。',
  PASSWORD_REUSED: '以前に使ったパスワードは使えません。',
  CURRENT_PASSWORD_WRONG: '現在のパスワードが違います。',
  ORGANIZATION_NOT_FOUND: '組織が見つかりません。',
  ORGANIZATION_EXISTS: '同じ名前の組織がすでにあります。',
  LOGIN_ID_TAKEN: 'このログインIDはすでに使われています。',
  ROLE_ORGANIZATION_MISMATCH: 'この組織にはこの役割の利用者を作れません。',
  TOO_MANY_ATTEMPTS: '失敗が続いたため一時的にロックされました。時間をおいてやり直してください。',
  MFA_ENROLLMENT_REQUIRED: '先に二要素認証を設定してください。',
  MFA_VERIFICATION_REQUIRED: '確認コードを入力してください。',
  CSRF_TOKEN_INVALID: '画面の有効期限が切れました。再読み込みしてからやり直してください。',
  MFA_CODE_INVALID: '確認コードが違うか、すでに使われています。',
  MFA_ALREADY_ENROLLED: '二要素認証はすでに設定されています。',
  MFA_ENROLLMENT_NOT_STARTED: '二要素認証の設定を最初からやり直してください。',
  MFA_NOT_ENROLLED: '二要素認証が設定されていません。',
  USER_NOT_FOUND: '利用者が見つかりません。',
  SESSION_NOT_FOUND: 'セッションが見つかりません。',
  SELF_ACCOUNT_CHANGE: '自分自身のアカウントにはこの操作はできません。別の管理者が行います。',
  ACCESS_LOG_RANGE_INVALID: '期間の指定が正しくありません。',
  CONTRACT_NOT_FOUND: '契約が見つかりません。',
  ROSTER_ENTRY_NOT_FOUND: '名簿の登録が見つかりません。',
  INVALID_REFERENCE: '指定した相手先が見つかりません。',
  INVALID_PERIOD: '期間の指定が正しくありません。',
  ROSTER_USER_NOT_ELIGIBLE: 'この利用者は名簿に登録できません。',
  ROSTER_ENTRY_EXISTS: 'この利用者はすでに名簿に登録されています。',
  NOT_CONTRACT_WARD: 'この契約の所管課の職員だけが行えます。',
  CONTRACT_CLOSED: 'この契約は終了しています。',
  MEDIUM_NOT_FOUND: '媒体が見つかりません。',
  HANDOVER_NOT_FOUND: '引渡しが見つかりません。',
  UNKNOWN_MEDIUM: 'この契約の媒体ではないものが含まれています。',
  INVALID_OCCURRED_AT: '日時が正しくありません（前の記録より前、または未来の日時です）。',
  NOT_ROSTERED: '取扱者名簿に登録されていないため、この操作はできません。',
  NOT_CUSTODIAN: 'この媒体を保管している組織ではありません。',
  IN_TRANSIT: 'この媒体は引渡しの途中です。',
  MEDIUM_CLOSED: 'この媒体は返却・消去・亡失済みのため扱えません。',
  INVALID_ADDRESSEE: '渡す相手として指定できない利用者です。',
  SUBCONTRACTING_NOT_APPROVED: '再委託先として承認されていない組織です。',
  PURPOSE_MISMATCH: 'この相手への引渡しの目的が違います。',
  SPLIT_CHANNEL_VIOLATION: 'パスワード通知書は媒体と別の機会に送ってください。',
  HANDOVER_METHOD_NOT_ALLOWED: 'この方法では引き渡せません。',
  NOT_ADDRESSEE: 'この引渡しの受取人ではありません。',
  HANDOVER_ALREADY_RECEIVED: 'この引渡しはすでに受領されています。',
  NOTICE_EXISTS: 'この媒体にはすでにパスワード通知書があります。',
  NOTICE_TARGET_INVALID: 'パスワード通知書の対象として指定できない媒体です。',
  DUPLICATE_LABEL: 'この契約には同じ名前の媒体がすでにあります。',
  TAKEOUT_REQUEST_NOT_FOUND: '持出し申請が見つかりません。',
  TAKEOUT_NOT_APPROVED: '承認された持出し申請がありません。',
  TAKEOUT_EXPIRED: '持出し承認の有効期限が切れています。',
  TAKEOUT_EXCEEDED: '承認された範囲（媒体の数・種類・件数）を超えています。',
  TAKEOUT_NOT_PENDING: 'この申請はすでに処理されています。',
  NOT_APPLICANT: '申請者本人だけが行えます。',
  SELF_APPROVAL: '自分の申請は承認できません。',
  NOT_APPROVER: '所属長（承認者）だけが行えます。',
  UNKNOWN_DATA_ITEM: 'この契約にないデータ項目が含まれています。',
  APPROVER_NOT_WARD_OFFICER: '承認者に指定できるのは区の職員だけです。',
  NOT_RESPONSIBLE: '取扱責任者だけが行えます。',
  CERTIFICATE_NOT_FOUND: '消去証明書が見つかりません。',
  CERTIFICATE_EXISTS: 'この媒体の消去証明書はすでにあります。',
  CERTIFICATE_PENDING: '確認待ちの消去証明書があります。',
  CERTIFICATE_ALREADY_DECIDED: 'この証明書はすでに確認または差戻し済みです。',
  OUTSTANDING_CUSTODY:
    '未返却・未消去の媒体、または区の確認を受けていない消去証明書があるため、契約を終了できません。',
  SIGNATURE_INVALID: '署名を検証できませんでした。',
  PEM_INVALID: '証明書ファイルの形式が正しくありません。',
  X509_EXPIRED: '証明書の有効期限が切れています。',
  X509_EXISTS: 'この証明書はすでに登録されています。',
  SIGNATURE_CONTRACT_MISMATCH: '署名の対象が別の契約です。',
  CERTIFICATE_NUMBER_REUSED: 'この証明書番号はすでに使われています。',
  CERTIFICATE_NOT_CANONICAL: '署名された内容の形式が正しくありません。',
  SIGNING_KEY_REFUSED: 'この鍵では署名を受け付けられません。',
  NOT_ORGANIZATION_RESPONSIBLE: '組織の取扱責任者だけが行えます。',
  SIGNING_CERTIFICATE_NOT_FOUND: '署名用の証明書が見つかりません。',
  INVALID_AUDIT_DATE: '調査日が正しくありません。',
  CHECKPOINT_NOT_FOUND: 'その件数のチェックポイントは署名されていません。',
  TREE_SIZE_OUT_OF_RANGE: '管理簿の件数を超える範囲が指定されました。',
  SEQ_OUT_OF_RANGE: '指定した連番は、その件数の管理簿に含まれていません。',
  CONSISTENCY_RANGE_INVALID: '整合性証明の範囲が正しくありません（開始が終了を超えています）。',
  WITNESS_KEY_NOT_FOUND: '証人鍵が見つかりません。',
  WITNESS_KEY_INVALID: '証人鍵として使えない鍵です（Ed25519 の公開鍵を指定してください）。',
  WITNESS_KEY_EXISTS: 'この証人鍵はすでに登録されています。',
  WITNESS_KEY_REVOKED: 'この証人鍵は失効しています。',
  WITNESS_KEY_LIMIT: '登録できる証人鍵の数（失効済みを含め50件）を超えています。',
  COSIGNATURE_MALFORMED: '連署の形式が正しくありません。',
  COSIGNATURE_KEY_MISMATCH: '連署が指定した証人鍵のものではありません。',
  COSIGNATURE_INVALID: '連署がこのチェックポイントの本文に対して検証できません。',
  COSIGNATURE_TIMESTAMP_INVALID: '連署の時刻が正しくありません。',
  COSIGNATURE_ROLLBACK: 'この鍵が以前に連署したものより古いチェックポイントには連署できません。',
  COSIGNATURE_EXISTS: 'この鍵はこの件数のチェックポイントに別の連署をしています。',
  TRAINING_REQUIRED: '個人情報の取扱いに関する教育の記録がないか、有効期限が切れています。',
  EMERGENCY_PLAN_MISSING:
    '緊急連絡先と事故時の対応手順（双方の確認）がそろうまで、最初の引渡しはできません。',
  PLACE_NOT_FOUND: '指定された場所が見つかりません。',
  PLACE_NOT_DESIGNATED: '区が指定した作業場所・保管場所ではありません（事前の承諾もありません）。',
  PLACE_WITHDRAWN: 'この場所の指定は取り消されています。',
  COPY_NOT_PERMITTED: '複写・複製は認められていません（区の許可がありません）。',
  CHECKLIST_INVALID: 'チェックリストの内容が正しくありません。',
  UNKNOWN_CHECKLIST_ITEM: 'この契約のチェックリストにない項目への回答があります。',
  CHECKLIST_INCOMPLETE: 'チェックリストのすべての項目に回答してください。',
  FINDING_INCOMPLETE: '×の項目には是正措置と期限を入力してください。',
  AUDIT_RESULT_MISMATCH: '調査結果がチェックリストの回答と合っていません。',
  AUDIT_NOT_FOUND: '立入調査の記録が見つかりません。',
  FINDING_NOT_FOUND: '指摘事項が見つかりません。',
  FINDING_STATE: 'この指摘事項の状態ではこの操作はできません。',
  NOT_FINDING_OWNER: '指摘を受けた組織の担当者だけが是正を報告できます。',
  NOT_FINDING_AUDITOR: '調査した側だけが是正を確認・差戻しできます。',
  NOT_CONTRACTOR: '受託者の担当者だけが行えます。',
  STATUS_REPORT_NOT_FOUND: '状況報告の依頼が見つかりません。',
  STATUS_REPORT_ANSWERED: 'この依頼にはすでに回答済みです。',
  NOTIFICATION_NOT_FOUND: 'お知らせが見つかりません。',
  WEBHOOK_NOT_FOUND: 'Webhook が設定されていません。',
  WEBHOOK_URL_REFUSED: 'この宛先の URL は使えません。',
};

/** What the API answers on an error (`{statusCode, code, message, details}`). */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** An error of the API, carried to the screen that shows it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'ApiError';
  }
}

/** The Japanese message of a code; never the English text or raw JSON. */
export function messageOf(code: string): string {
  return ERROR_MESSAGES[code] ?? `処理できませんでした（${code}）。`;
}

/** The field errors of a VALIDATION_FAILED answer, keyed by field name. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return {};
  const fields = error.details.fields;
  if (!Array.isArray(fields)) return {};
  const out: Record<string, string> = {};
  for (const f of fields as Array<{ field?: unknown }>) {
    if (typeof f.field === 'string') out[f.field] = '入力内容を確認してください。';
  }
  return out;
}

/**
 * A refused password (VALIDATION_FAILED naming `field`, with the rule's
 * `reason`) said in Japanese of the field as the screen calls it (仮パスワード,
 * 新しいパスワード); undefined for any other error.
 */
export function passwordRefusalOf(error: unknown, field: string, noun: string): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return undefined;
  const fields = error.details.fields;
  const entry = Array.isArray(fields)
    ? (fields as Array<{ field?: unknown; reason?: unknown }>).find((f) => f?.field === field)
    : undefined;
  if (!entry) return undefined;
  const messages = {
    too_short: `${noun}は12文字以上にしてください。`,
    too_long: `${noun}は256文字以内にしてください。`,
    placeholder: `${noun}が説明書きの例（<…>、{{…}}、\${…}、[…]）のままです。実際のパスワードを入力してください。`,
    contains_login_id: `${noun}にログインIDを含めないでください。`,
    too_easy_to_guess: `推測されやすい${noun}です。別の${noun}にしてください。`,
  } satisfies Record<PasswordRefusal, string>;
  const reason = entry.reason;
  return typeof reason === 'string' && reason in messages
    ? messages[reason as PasswordRefusal]
    : `${noun}を確認してください。`;
}
