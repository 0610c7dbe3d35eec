import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { ApiError } from '../api/errors';
import { ROLES } from '../format';
import { useMe, useMfaStatus } from '../session';
import { ErrorMessage } from './ErrorMessage';

/** The frame of every signed-in screen: header, navigation, and the screen. */
export function Layout() {
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const logout = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/logout')),
    onSettled: () => {
      queryClient.clear();
      void navigate('/login');
    },
  });

  // A second factor the account needs but lacks: every other request would
  // answer 403 MFA_ENROLLMENT_REQUIRED, so the user goes to set it up first.
  const mfa = useMfaStatus(Boolean(me.data) && !me.data?.mustChangePassword);
  const needsMfa =
    (mfa.data?.required === true && !mfa.data.enrolled) ||
    (mfa.error instanceof ApiError && mfa.error.code === 'MFA_ENROLLMENT_REQUIRED');

  useEffect(() => {
    if (me.error instanceof ApiError && me.error.status === 401) void navigate('/login');
    else if (me.data?.mustChangePassword) void navigate('/password');
    else if (needsMfa) void navigate('/mfa');
  }, [me.error, me.data, needsMfa, navigate]);

  // The screen does not wait for the user's own record: its queries start at
  // once, beside it (a 401 of any of them leads to the login).
  if (me.error && !(me.error instanceof ApiError && me.error.status === 401)) {
    return <ErrorMessage error={me.error} />;
  }
  const user = me.data;
  return (
    <>
      <a className="skip-link" href="#main">
        本文へ移動
      </a>
      <header className="app-header">
        <span className="app-title">管理簿</span>
        <nav aria-label="メインメニュー">
          <ul>
            <li>
              <NavLink to="/" end>
                今日の作業
              </NavLink>
            </li>
            <li>
              <NavLink to="/contracts">契約</NavLink>
            </li>
            <li>
              <NavLink to="/notifications">通知</NavLink>
            </li>
            {(user?.role === 'auditor' || user?.role === 'ward_officer') && (
              <li>
                <NavLink to="/audits">立入調査の状況</NavLink>
              </li>
            )}
            {user?.role === 'auditor' && (
              <li>
                <NavLink to="/access-log">アクセスログ</NavLink>
              </li>
            )}
            {user?.role === 'admin' && (
              <li>
                <NavLink to="/admin">管理</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="app-user">
          {user && (
            <span>
              {user.displayName}（{ROLES[user.role]}）
            </span>
          )}
          <NavLink to="/settings">設定</NavLink>
          <NavLink to="/mfa">二要素認証</NavLink>
          <button type="button" className="button secondary" onClick={() => logout.mutate()}>
            ログアウト
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
