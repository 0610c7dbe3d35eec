import { directoryScopeOf, wardScopeOrganizations } from './organization-scope.rule.js';

describe('directoryScopeOf', () => {
  it('gives admins the whole directory', () => {
    expect(directoryScopeOf({ role: 'admin', organizationId: 'ward-a' })).toEqual({ kind: 'all' });
  });

  it.each(['ward_officer', 'auditor'] as const)('scopes a %s to their own ward', (role) => {
    expect(directoryScopeOf({ role, organizationId: 'ward-a' })).toEqual({
      kind: 'ward',
      wardOrganizationId: 'ward-a',
    });
  });

  it('gives contractor staff nothing', () => {
    expect(directoryScopeOf({ role: 'contractor_staff', organizationId: 'con-x' })).toEqual({
      kind: 'none',
    });
  });
});

describe('wardScopeOrganizations', () => {
  it('is the ward alone when it has no contracts', () => {
    expect(wardScopeOrganizations('ward-a', [])).toEqual(['ward-a']);
  });

  it('lists the ward first, then each party once', () => {
    expect(wardScopeOrganizations('ward-a', ['con-x', 'sub-z', 'con-x', 'con-y'])).toEqual([
      'ward-a',
      'con-x',
      'sub-z',
      'con-y',
    ]);
  });

  it('does not list the ward twice', () => {
    expect(wardScopeOrganizations('ward-a', ['ward-a', 'con-x'])).toEqual(['ward-a', 'con-x']);
  });
});
