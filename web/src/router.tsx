import { createBrowserRouter } from 'react-router';
import { Layout } from './components/Layout';
import { AccessLogPage } from './pages/AccessLogPage';
import { AdminPage } from './pages/admin/AdminPage';
import { AuditStatusPage } from './pages/AuditStatusPage';
import { ContractPage } from './pages/ContractPage';
import { ContractsPage } from './pages/ContractsPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { MfaEnrollPage } from './pages/MfaEnrollPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { PasswordChangePage } from './pages/PasswordChangePage';

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/password', element: <PasswordChangePage /> },
  { path: '/mfa', element: <MfaEnrollPage /> },
  {
    element: <Layout />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'contracts', element: <ContractsPage /> },
      { path: 'contracts/:contractId', element: <ContractPage /> },
      { path: 'contracts/:contractId/:tab', element: <ContractPage /> },
      { path: 'notifications', element: <NotificationsPage /> },
      { path: 'access-log', element: <AccessLogPage /> },
      { path: 'audits', element: <AuditStatusPage /> },
      { path: 'admin', element: <AdminPage /> },
      { path: 'admin/:section', element: <AdminPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
