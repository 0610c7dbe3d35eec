/**
 * The files of an evidence package (GET /api/contracts/:id/evidence), shared
 * by the service that writes it and the offline verifier that reads it.
 */
export const EVIDENCE_FORMAT = 'kanribo-evidence/1';

export const EVIDENCE_FILES = {
  manifest: 'manifest.json',
  ledger: 'ledger.jsonl',
  checkpoint: 'checkpoint.txt',
  checkpointBody: 'openssl/checkpoint-body.txt',
  checkpointSignature: 'openssl/checkpoint.sig',
  verifierKey: 'checkpoint-key.txt',
  publicKeyPem: 'checkpoint-key.pem',
  kanriboCsv: '管理簿.csv',
  instructions: '検証手順.txt',
} as const;

/** The folder of one signed deletion certificate: its seq and its number, safe as a file name. */
export function certificateFolder(submitSeq: number, certificateNumber: string): string {
  const safe = certificateNumber.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80);
  return `certificates/${String(submitSeq).padStart(6, '0')}-${safe}`;
}

export const CERTIFICATE_FILES = {
  content: 'content.json',
  signature: 'signature.pem',
  signer: 'signer.pem',
  pdf: '消去証明書.pdf',
} as const;

export interface EvidenceManifest {
  format: typeof EVIDENCE_FORMAT;
  contractId: string;
  contractTitle: string;
  origin: string;
  treeSize: number;
  rootHash: string;
  businessTimeZone: string;
  createdAt: string;
  certificates: Array<{
    folder: string;
    certificateId: string;
    certificateNumber: string;
    submitSeq: number;
    signed: boolean;
  }>;
}

/** 検証手順.txt: how to check the package, in Japanese, with and without kanribo. */
export function instructions(manifest: EvidenceManifest): string {
  return [
    `kanribo 証拠パッケージ（${manifest.contractTitle}）`,
    '',
    `契約ID: ${manifest.contractId}`,
    `作成日時: ${manifest.createdAt}`,
    `チェックポイント: ${manifest.origin} の ${manifest.treeSize} 件（根ハッシュ ${manifest.rootHash}）`,
    '',
    '■ 収録ファイル',
    `- ${EVIDENCE_FILES.ledger}: 管理簿の全記録（1行1件、RFC 8785 正規化JSON、hash を含む）`,
    `- ${EVIDENCE_FILES.checkpoint}: 署名付きチェックポイント（C2SP tlog-checkpoint / signed note、Ed25519）`,
    `- ${EVIDENCE_FILES.verifierKey}, ${EVIDENCE_FILES.publicKeyPem}: チェックポイントの検証鍵（C2SP 形式と PEM）`,
    `- ${EVIDENCE_FILES.checkpointBody}, ${EVIDENCE_FILES.checkpointSignature}: openssl で署名を検証するための本文と署名`,
    `- ${EVIDENCE_FILES.kanriboCsv}: 管理簿（CSV、UTF-8 BOM付き）`,
    '- certificates/: 消去証明書ごとに、署名対象の本文（content.json）、CMS 署名（signature.pem）、署名者の証明書（signer.pem）、証明書の PDF',
    '',
    '■ kanribo の検証ツールで確認する（ネットワーク・データベース不要）',
    '  npx kanribo-verify <このファイル.zip> --key <チェックポイント鍵>',
    '  （または npm run verify:evidence -- <このファイル.zip> --key <チェックポイント鍵>）',
    '  チェックポイント鍵は、このパッケージの外から入手したもの（kanribo の GET /api/transparency/key、',
    '  または区が記録しておいたもの）を指定してください。パッケージ内の鍵だけでは、内容の整合は確かめられても、',
    '  誰が署名したかは証明できません（--key を省くと終了コード 3）。',
    '  各記録のハッシュと連鎖、Merkle 木の根とチェックポイントの一致、チェックポイントの Ed25519 署名、',
    '  各消去証明書の CMS 署名を確認し、検査ごとに OK か、最初に失敗した連番を表示します。',
    '',
    '■ kanribo を使わずに確認する',
    '1. 各記録: hash を除いた JSON を RFC 8785 で正規化し、UTF-8 バイト列の SHA-256（16進小文字）が hash と一致すること、',
    '   prevHash が直前の記録の hash（最初の記録は0が64個）と一致することを確かめる。',
    '2. Merkle 木（RFC 9162 §2.1）: 各行のバイト列の先頭に 0x00 を付けた SHA-256 を葉とし、',
    '   内部節点は 0x01‖左‖右 の SHA-256 として根を計算し、チェックポイント3行目（base64）と一致することを確かめる。',
    `3. チェックポイントの署名（OpenSSL 3。${'checkpoint-key.pem'} がパッケージ外で入手した鍵と同じであることを先に確かめる）:`,
    `   openssl pkeyutl -verify -pubin -inkey ${EVIDENCE_FILES.publicKeyPem} -rawin -in ${EVIDENCE_FILES.checkpointBody} -sigfile ${EVIDENCE_FILES.checkpointSignature}`,
    '4. 消去証明書の CMS 署名（フォルダごと）:',
    '   openssl cms -verify -binary -inform PEM -in signature.pem -content content.json -certfile signer.pem -noverify -out /dev/null',
    '   （-noverify は署名者証明書の認証局チェーンを確かめません。区が登録した証明書と signer.pem の一致は別途確認してください。）',
    '   content.json は管理簿の deletion_certificate_submitted 記録から作り直せる（契約IDと証明書の各項目の RFC 8785 正規化JSON）。',
    '',
  ].join('\n');
}
