import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../../src/common/errors/error-codes';
import { ApiError, ERROR_MESSAGES, fieldErrors, messageOf, passwordRefusalOf } from './errors';

describe('error codes in Japanese', () => {
  it('says every code the service can answer, in Japanese, once', () => {
    const missing = Object.keys(ERROR_STATUS).filter((code) => !(code in ERROR_MESSAGES));
    expect(missing).toEqual([]);
    const stale = Object.keys(ERROR_MESSAGES).filter((code) => !(code in ERROR_STATUS));
    expect(stale).toEqual([]);
    for (const text of Object.values(ERROR_MESSAGES)) {
      expect(text).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    }
  });

  it('never shows the English message of an unknown code', () => {
    expect(messageOf('SOMETHING_NEW')).toBe('処理できませんでした（SOMETHING_NEW）。');
    expect(messageOf('SPLIT_CHANNEL_VIOLATION')).toContain('パスワード通知書');
  });

  it('ties validation errors to the fields they name', () => {
    const error = new ApiError(400, 'VALIDATION_FAILED', {
      fields: [{ field: 'label', messages: ['label must be shorter'] }, { nothing: 1 }],
    });
    expect(fieldErrors(error)).toEqual({ label: '入力内容を確認してください。' });
    expect(fieldErrors(new ApiError(409, 'DUPLICATE_LABEL'))).toEqual({});
    expect(fieldErrors(new Error('x'))).toEqual({});
  });

  it('says a refused password by its reason, of the field the screen names', () => {
    const refused = (field: string, reason?: string) =>
      new ApiError(400, 'VALIDATION_FAILED', {
        fields: [{ field, messages: [`${field} …`], ...(reason ? { reason } : {}) }],
      });
    expect(
      passwordRefusalOf(refused('newPassword', 'too_short'), 'newPassword', '新しいパスワード'),
    ).toBe('新しいパスワードは12文字以上にしてください。');
    expect(passwordRefusalOf(refused('newPassword'), 'newPassword', '新しいパスワード')).toBe(
      '新しいパスワードを確認してください。',
    );
    expect(passwordRefusalOf(refused('label', 'too_short'), 'newPassword', 'x')).toBeUndefined();
    expect(
      passwordRefusalOf(new ApiError(409, 'PASSWORD_REUSED'), 'newPassword', 'x'),
    ).toBeUndefined();
    expect(passwordRefusalOf(new Error('x'), 'newPassword', 'x')).toBeUndefined();
  });
});
