/** What the e-mail fields check before the service does (roughly: the service decides). */
const EMAIL = /^[^\s@,<>]+@[^\s@,<>]+\.[^\s@,<>]+$/;

export const EMAIL_INVALID = 'メールアドレスの形式が正しくありません。';

/** react-hook-form rules of an optional e-mail field (empty: no address). */
export const EMAIL_RULES = {
  maxLength: { value: 254, message: 'メールアドレスは254文字以内にしてください。' },
  validate: (value: string) => value.trim() === '' || EMAIL.test(value.trim()) || EMAIL_INVALID,
};
