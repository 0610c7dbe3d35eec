import { createBrowserRouter } from 'react-router';
import { Layout } from './components/Layout';
import { ContractsPage } from './pages/ContractsPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { PasswordChangePage } from './pages/PasswordChangePage';

/*
 * The login, 今日の作業 and the lists load with the app; a contract's page
 * (its tabs and forms), the second-factor enrollment, the settings, the
 * auditor's and the admin's screens load when first opened, so that the home screen's script
 * stays small (its time to usable is measured by scripts/bench-web.ts).
 */
const contractPage = () =>
  import('./pages/ContractPage').then((m) => ({ Component: m.ContractPage }));

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/password', element: <PasswordChangePage /> },
  {
    path: '/mfa',
    lazy: () => import('./pages/MfaEnrollPage').then((m) => ({ Component: m.MfaEnrollPage })),
  },
  {
    element: <Layout />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'contracts', element: <ContractsPage /> },
      { path: 'contracts/:contractId', lazy: contractPage },
      { path: 'contracts/:contractId/:tab', lazy: contractPage },
      { path: 'notifications', element: <NotificationsPage /> },
      {
        path: 'settings',
        lazy: () => import('./pages/SettingsPage').then((m) => ({ Component: m.SettingsPage })),
      },
      {
        path: 'access-log',
        lazy: () => import('./pages/AccessLogPage').then((m) => ({ Component: m.AccessLogPage })),
      },
      {
        path: 'audits',
        lazy: () =>
          import('./pages/AuditStatusPage').then((m) => ({ Component: m.AuditStatusPage })),
      },
      {
        path: 'admin',
        lazy: () => import('./pages/admin/AdminPage').then((m) => ({ Component: m.AdminPage })),
      },
      {
        path: 'admin/:section',
        lazy: () => import('./pages/admin/AdminPage').then((m) => ({ Component: m.AdminPage })),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
