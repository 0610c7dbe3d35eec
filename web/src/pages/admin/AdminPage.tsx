import { Navigate, NavLink, useParams } from 'react-router';
import { useMe } from '../../session';
import { NotFoundPage } from '../NotFoundPage';
import { CertificatesSection } from './CertificatesSection';
import { OrganizationsSection } from './OrganizationsSection';
import { UsersSection } from './UsersSection';
import { WebhookSection } from './WebhookSection';

/** The sections of 管理, each with its own address (/admin/:section). */
export const ADMIN_SECTIONS = [
  { key: 'users', label: '利用者' },
  { key: 'organizations', label: '組織' },
  { key: 'certificates', label: '署名証明書' },
  { key: 'webhooks', label: 'Webhook' },
] as const;

/** 管理: the system administrator's accounts, organizations, certificates and webhooks. */
export function AdminPage() {
  const { section } = useParams();
  const me = useMe();
  if (!section) return <Navigate to="/admin/users" replace />;
  if (!ADMIN_SECTIONS.some((s) => s.key === section)) return <NotFoundPage />;
  if (me.data && me.data.role !== 'admin') {
    return (
      <section>
        <h1>管理</h1>
        <p role="alert" className="error">
          この画面はシステム管理者だけが使えます。
        </p>
      </section>
    );
  }
  return (
    <section className="admin">
      <h1>管理</h1>
      <nav aria-label="管理の内容" className="tabs">
        <ul>
          {ADMIN_SECTIONS.map((s) => (
            <li key={s.key}>
              <NavLink to={`/admin/${s.key}`} aria-current={s.key === section ? 'page' : undefined}>
                {s.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {me.data && section === 'users' && <UsersSection />}
      {me.data && section === 'organizations' && <OrganizationsSection />}
      {me.data && section === 'certificates' && <CertificatesSection />}
      {me.data && section === 'webhooks' && <WebhookSection />}
    </section>
  );
}
