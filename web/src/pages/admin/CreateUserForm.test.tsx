import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/errors';
import type { Organization, User } from './admin-hooks';
import { CreateUserForm, generatePassword } from './CreateUserForm';

afterEach(cleanup);

const WARD: Organization = {
  id: '11111111-1111-4111-8111-111111111111',
  name: '新宿区 区民課',
  kind: 'ward',
  documentAddressee: '新宿区長 殿',
  createdAt: '2026-11-25T01:00:00.000Z',
};
const CONTRACTOR: Organization = {
  id: '22222222-2222-4222-8222-222222222222',
  name: '株式会社データ入力',
  kind: 'contractor',
  documentAddressee: null,
  createdAt: '2026-11-25T01:00:00.000Z',
};

function created(values: { loginId: string; displayName: string }): User {
  return {
    id: '33333333-3333-4333-8333-333333333333',
    organizationId: WARD.id,
    loginId: values.loginId,
    displayName: values.displayName,
    role: 'ward_officer',
    active: true,
    mustChangePassword: true,
    approver: false,
    createdAt: '2026-11-25T01:00:00.000Z',
  };
}

function renderForm(
  onSubmit = vi.fn((v: { loginId: string; displayName: string }) => Promise.resolve(created(v))),
) {
  render(<CreateUserForm organizations={[WARD, CONTRACTOR]} onSubmit={onSubmit} />);
  return onSubmit;
}

async function fill(values: {
  organization?: string;
  role?: string;
  loginId?: string;
  displayName?: string;
  password?: string;
}) {
  const user = userEvent.setup();
  if (values.organization) {
    await user.selectOptions(
      screen.getByLabelText('組織'),
      screen.getByRole('option', { name: values.organization }),
    );
  }
  if (values.role) {
    await user.selectOptions(
      screen.getByLabelText('役割'),
      screen.getByRole('option', { name: values.role }),
    );
  }
  if (values.loginId) await user.type(screen.getByLabelText('ログインID'), values.loginId);
  if (values.displayName) await user.type(screen.getByLabelText('氏名'), values.displayName);
  if (values.password) await user.type(screen.getByLabelText('仮パスワード'), values.password);
  return user;
}

const submitButton = () => screen.getByRole('button', { name: '追加する' });

describe('the create-user form', () => {
  it('says next to every field what is missing, in Japanese, and sends nothing', async () => {
    const onSubmit = renderForm();
    await userEvent.click(submitButton());
    expect(await screen.findByText('組織を選んでください。')).toBeTruthy();
    expect(screen.getByText('役割を選んでください。')).toBeTruthy();
    expect(screen.getByText('ログインIDを入力してください。')).toBeTruthy();
    expect(screen.getByText('氏名を入力してください。')).toBeTruthy();
    expect(screen.getByText('仮パスワードを入力するか、自動生成してください。')).toBeTruthy();
    const loginId = screen.getByLabelText('ログインID');
    expect(loginId.getAttribute('aria-invalid')).toBe('true');
    // The error is tied to the field (after its hint).
    const described = loginId.getAttribute('aria-describedby')!.split(' ');
    expect(described.map((id) => document.getElementById(id)?.textContent)).toContain(
      'ログインIDを入力してください。',
    );
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('refuses a login id the service would refuse, a blank name, and a role of the wrong kind of organization', async () => {
    const onSubmit = renderForm();
    const user = await fill({
      organization: '株式会社データ入力（委託先）',
      role: '区職員',
      loginId: '山田 太郎',
      displayName: '   ',
      password: 'Vq7-long-enough-Zr',
    });
    await user.click(submitButton());
    expect(
      await screen.findByText('ログインIDは半角英数字と . _ @ - で3〜64文字にしてください。'),
    ).toBeTruthy();
    expect(screen.getByText('委託先の組織に作れるのは委託先取扱者だけです。')).toBeTruthy();
    expect(screen.getByText('氏名を入力してください。')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('refuses a short temporary password and one that contains the login id', async () => {
    const onSubmit = renderForm();
    const user = await fill({
      organization: '新宿区 区民課（区（所管課））',
      role: '区職員',
      loginId: 'sato.hanako',
      displayName: '佐藤 花子',
      password: 'short-pw',
    });
    await user.click(submitButton());
    expect(await screen.findByText('仮パスワードは12文字以上にしてください。')).toBeTruthy();
    await user.clear(screen.getByLabelText('仮パスワード'));
    await user.type(screen.getByLabelText('仮パスワード'), 'xx-SATO.HANAKO-2026');
    await user.click(submitButton());
    expect(await screen.findByText('仮パスワードにログインIDを含めないでください。')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('sends a valid account, shows its temporary password once, and empties the form', async () => {
    const onSubmit = renderForm();
    const user = await fill({
      organization: '新宿区 区民課（区（所管課））',
      role: '区職員',
      loginId: 'sato.hanako',
      displayName: '佐藤 花子',
      password: 'Vq7-long-enough-Zr',
    });
    await user.click(submitButton());
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toEqual({
      organizationId: WARD.id,
      role: 'ward_officer',
      loginId: 'sato.hanako',
      displayName: '佐藤 花子',
      password: 'Vq7-long-enough-Zr',
    });
    const status = await screen.findByText('佐藤 花子（sato.hanako）を追加しました。');
    expect(status.getAttribute('role')).toBe('status');
    // The password itself is shown beside it, not read aloud by a live region.
    const shown = screen.getByText('Vq7-long-enough-Zr');
    expect(shown.closest('[role="status"], [aria-live]')).toBeNull();
    expect(screen.getByRole('button', { name: '仮パスワードをコピー' })).toBeTruthy();
    expect(document.body.textContent).toContain('二度と表示されません');
    expect(screen.getByLabelText<HTMLInputElement>('ログインID').value).toBe('');
    expect(screen.getByLabelText<HTMLInputElement>('仮パスワード').value).toBe('');
  });

  it('makes a temporary password that passes its own checks', async () => {
    const onSubmit = renderForm();
    const user = await fill({
      organization: '株式会社データ入力（委託先）',
      role: '委託先取扱者',
      loginId: 'staff-01',
      displayName: '田中 一郎',
    });
    await user.click(screen.getByRole('button', { name: '自動生成' }));
    const generated = screen.getByLabelText<HTMLInputElement>('仮パスワード').value;
    expect(generated).toMatch(/^[A-Za-z2-9]{20}$/);
    await user.click(submitButton());
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toMatchObject({
      role: 'contractor_staff',
      password: generated,
    });
    // Each generated password is new.
    expect(new Set(Array.from({ length: 20 }, () => generatePassword())).size).toBe(20);
  });

  it('puts the service’s refusals next to the field they concern, or under the form', async () => {
    const answers = [
      new ApiError(409, 'LOGIN_ID_TAKEN', { loginId: 'sato.hanako' }),
      new ApiError(400, 'VALIDATION_FAILED', {
        fields: [
          {
            field: 'password',
            messages: ['password is too easy to guess'],
            reason: 'too_easy_to_guess',
          },
        ],
      }),
      new ApiError(422, 'ROLE_ORGANIZATION_MISMATCH', {}),
    ];
    const onSubmit = renderForm(vi.fn(() => Promise.reject(answers.shift()!)));
    const user = await fill({
      organization: '新宿区 区民課（区（所管課））',
      role: '監査担当',
      loginId: 'sato.hanako',
      displayName: '佐藤 花子',
      password: 'Vq7-long-enough-Zr',
    });
    await user.click(submitButton());
    const loginId = screen.getByLabelText('ログインID');
    expect(await screen.findByText('このログインIDはすでに使われています。')).toBeTruthy();
    expect(loginId.getAttribute('aria-invalid')).toBe('true');

    await user.click(submitButton());
    expect(
      await screen.findByText('推測されやすい仮パスワードです。別の仮パスワードにしてください。'),
    ).toBeTruthy();
    expect(screen.getByLabelText('仮パスワード').getAttribute('aria-invalid')).toBe('true');

    await user.click(submitButton());
    expect(await screen.findByText('この組織にはこの役割の利用者を作れません。')).toBeTruthy();
    expect(onSubmit).toHaveBeenCalledTimes(3);
    expect(document.body.textContent).not.toContain('ROLE_ORGANIZATION_MISMATCH');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it.each([
    ['too_short', '仮パスワードは12文字以上にしてください。'],
    ['too_long', '仮パスワードは256文字以内にしてください。'],
    [
      'placeholder',
      '仮パスワードが説明書きの例（<…>、{{…}}、${…}、[…]）のままです。実際のパスワードを入力してください。',
    ],
    ['contains_login_id', '仮パスワードにログインIDを含めないでください。'],
    ['too_easy_to_guess', '推測されやすい仮パスワードです。別の仮パスワードにしてください。'],
    ['something_new', '仮パスワードを確認してください。'],
  ])('says the service’s refusal %s of the password next to it', async (reason, message) => {
    renderForm(
      vi.fn(() =>
        Promise.reject(
          new ApiError(400, 'VALIDATION_FAILED', {
            fields: [{ field: 'password', messages: ['password …'], reason }],
          }),
        ),
      ),
    );
    const user = await fill({
      organization: '新宿区 区民課（区（所管課））',
      role: '区職員',
      loginId: 'sato.hanako',
      displayName: '佐藤 花子',
      password: 'Vq7-long-enough-Zr',
    });
    await user.click(submitButton());
    const password = screen.getByLabelText('仮パスワード');
    const error = await screen.findByText(message);
    expect(password.getAttribute('aria-describedby')).toContain(error.id);
    expect(screen.queryByText('入力内容に誤りがあります。各項目を確認してください。')).toBeNull();
  });
});
