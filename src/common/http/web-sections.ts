/**
 * The top-level sections of the web app's router (web/src/router.tsx), under
 * which the service answers the page: a test of the web app holds the two
 * lists together. Pure, so that the web app's tests can import it.
 */
export const WEB_SECTIONS = [
  'login',
  'password',
  'mfa',
  'contracts',
  'notifications',
  'settings',
  'access-log',
  'audits',
  'admin',
] as const;
