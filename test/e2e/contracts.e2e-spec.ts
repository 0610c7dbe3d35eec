import { aContract, contractBody } from '../factories/contract.factory.js';
import { aWorld, type World } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

describe('contracts', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await TestApp.start();
    w = await aWorld(t);
  });
  afterAll(() => t.close());

  describe('creation', () => {
    it('a ward officer creates one for their own ward, with the default policies', async () => {
      const response = await t.post('/api/contracts', contractBody(w), w.officerA.token);
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        title: '住民税課税資料のデータ入力業務委託',
        wardOrganizationId: w.wardA.id,
        contractorOrganizationId: w.contractorX.id,
        subcontractorOrganizationIds: [w.subcontractorZ.id],
        startsOn: '2026-09-01',
        endsOn: '2027-03-31',
        dataItems: ['氏名', '住所', '生年月日'],
        subjectCount: 12000,
        handoverPolicy: { minSeparationMinutes: 60 },
        auditPolicy: { reminderLeadDays: [60, 30, 7] },
        status: 'active',
      });
      const read = await t.get(`/api/contracts/${response.body.id}`, w.officerA.token);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(response.body);
    });

    it('keeps given policies, lead days deduplicated and furthest first', async () => {
      const response = await t.post(
        '/api/contracts',
        contractBody(w, {
          subcontractorOrganizationIds: [],
          handoverPolicy: { minSeparationMinutes: 120 },
          auditPolicy: { reminderLeadDays: [7, 90, 30] },
        }),
        w.officerA.token,
      );
      expect(response.status).toBe(201);
      expect(response.body.handoverPolicy).toEqual({
        minSeparationMinutes: 120,
        requireTakeoutApproval: false,
      });
      expect(response.body.auditPolicy).toEqual({ reminderLeadDays: [90, 30, 7] });
      expect(response.body.subcontractorOrganizationIds).toEqual([]);
    });

    it('refuses a ward in the body: the ward is always the officer’s own', async () => {
      const response = await t.post(
        '/api/contracts',
        { ...contractBody(w), wardOrganizationId: w.wardB.id },
        w.officerA.token,
      );
      expect(response.status).toBe(400);
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toEqual([
        'wardOrganizationId',
      ]);
    });

    it.each(['admin', 'auditor', 'staffX'] as const)('is refused to %s with 403', async (who) => {
      const before = await t.count('contracts');
      const response = await t.post('/api/contracts', contractBody(w), w[who].token);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN_ROLE');
      expect(await t.count('contracts')).toBe(before);
    });

    it('validates every field, nested ones included, and names them', async () => {
      const before = await t.count('contracts');
      const response = await t.post(
        '/api/contracts',
        {
          title: '',
          contractorOrganizationId: 'x',
          subcontractorOrganizationIds: ['y'],
          startsOn: '2026-02-30',
          endsOn: '31/03/2027',
          dataItems: [],
          subjectCount: -1,
          handoverPolicy: { minSeparationMinutes: 0, colour: 'red' },
          auditPolicy: { reminderLeadDays: [0] },
        },
        w.officerA.token,
      );
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      const fields = response.body.details.fields.map((f: { field: string }) => f.field).sort();
      expect(fields).toEqual(
        [
          'auditPolicy.reminderLeadDays',
          'contractorOrganizationId',
          'dataItems',
          'endsOn',
          'handoverPolicy.colour',
          'handoverPolicy.minSeparationMinutes',
          'startsOn',
          'subcontractorOrganizationIds',
          'subjectCount',
          'title',
        ].sort(),
      );
      expect(await t.count('contracts')).toBe(before);
    });

    it('refuses a period that ends before it starts with 422 INVALID_PERIOD', async () => {
      const before = await t.count('contracts');
      const response = await t.post(
        '/api/contracts',
        contractBody(w, { startsOn: '2027-04-01', endsOn: '2027-03-31' }),
        w.officerA.token,
      );
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('INVALID_PERIOD');
      expect(await t.count('contracts')).toBe(before);
    });

    it.each([
      ['a ward as contractor', (w: World) => ({ contractorOrganizationId: w.wardB.id })],
      [
        'an unknown contractor',
        () => ({ contractorOrganizationId: '00000000-0000-4000-8000-000000000000' }),
      ],
      ['a ward as subcontractor', (w: World) => ({ subcontractorOrganizationIds: [w.wardB.id] })],
      [
        'the contractor as its own subcontractor',
        (w: World) => ({ subcontractorOrganizationIds: [w.contractorX.id] }),
      ],
    ])('refuses %s with 422 INVALID_REFERENCE and writes nothing', async (_label, override) => {
      const contracts = await t.count('contracts');
      const subs = await t.count('contract_subcontractors');
      const response = await t.post(
        '/api/contracts',
        contractBody(w, override(w)),
        w.officerA.token,
      );
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('INVALID_REFERENCE');
      expect(await t.count('contracts')).toBe(contracts);
      expect(await t.count('contract_subcontractors')).toBe(subs);
    });

    it('refuses duplicated subcontractors with 400', async () => {
      const response = await t.post(
        '/api/contracts',
        contractBody(w, {
          subcontractorOrganizationIds: [w.subcontractorZ.id, w.subcontractorZ.id],
        }),
        w.officerA.token,
      );
      expect(response.status).toBe(400);
      expect(response.body.details.fields[0].field).toBe('subcontractorOrganizationIds');
    });
  });

  describe('tenant isolation', () => {
    let contractId: string;
    let otherWardContractId: string;

    beforeAll(async () => {
      contractId = (await aContract(t, w, { title: 'isolation: ward A with X and Z' })).id;
      const other = await t.post(
        '/api/contracts',
        contractBody(w, {
          title: 'isolation: ward B with Y',
          contractorOrganizationId: w.contractorY.id,
          subcontractorOrganizationIds: [],
        }),
        w.officerB.token,
      );
      expect(other.status).toBe(201);
      otherWardContractId = other.body.id;
    });

    const readers = ['officerA', 'staffX', 'staffZ', 'auditor', 'admin'] as const;
    // An auditor of another ward is a stranger too (least privilege, issue 8).
    const strangers = ['officerB', 'staffY', 'auditorB'] as const;

    it.each(readers)('%s reads the contract and finds it in the list', async (who) => {
      const read = await t.get(`/api/contracts/${contractId}`, w[who].token);
      expect(read.status).toBe(200);
      expect(read.body.id).toBe(contractId);
      const list = await t.get('/api/contracts', w[who].token);
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(contractId);
    });

    it.each(strangers)('%s gets 404 for it, and it is not in their list', async (who) => {
      const read = await t.get(`/api/contracts/${contractId}`, w[who].token);
      expect(read.status).toBe(404);
      expect(read.body.code).toBe('CONTRACT_NOT_FOUND');
      expect(JSON.stringify(read.body)).not.toContain('isolation: ward A');
      const list = await t.get('/api/contracts', w[who].token);
      expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(contractId);
    });

    it('an unknown id answers exactly like a foreign one', async () => {
      const unknown = await t.get(
        '/api/contracts/00000000-0000-4000-8000-000000000000',
        w.officerB.token,
      );
      const foreign = await t.get(`/api/contracts/${contractId}`, w.officerB.token);
      expect(unknown.status).toBe(foreign.status);
      expect(unknown.body.code).toBe(foreign.body.code);
      expect(Object.keys(unknown.body.details)).toEqual(Object.keys(foreign.body.details));
    });

    it('lists hold only what each caller may see', async () => {
      const forB = await t.get('/api/contracts', w.officerB.token);
      expect(forB.body.items.map((c: { id: string }) => c.id)).toEqual([otherWardContractId]);
      const forY = await t.get('/api/contracts', w.staffY.token);
      expect(forY.body.items.map((c: { id: string }) => c.id)).toEqual([otherWardContractId]);
      const forZ = await t.get('/api/contracts', w.staffZ.token);
      expect(
        forZ.body.items.every((c: { subcontractorOrganizationIds: string[] }) =>
          c.subcontractorOrganizationIds.includes(w.subcontractorZ.id),
        ),
      ).toBe(true);
      // Auditors see their own ward's contracts; admins every contract's metadata.
      const forAuditor = await t.get('/api/contracts', w.auditor.token);
      expect(forAuditor.body.items.map((c: { id: string }) => c.id)).toContain(contractId);
      expect(forAuditor.body.items.map((c: { id: string }) => c.id)).not.toContain(
        otherWardContractId,
      );
      const forAuditorB = await t.get('/api/contracts', w.auditorB.token);
      expect(forAuditorB.body.items.map((c: { id: string }) => c.id)).toEqual([
        otherWardContractId,
      ]);
      const forAdmin = await t.get('/api/contracts', w.admin.token);
      expect(forAdmin.body.items.map((c: { id: string }) => c.id)).toEqual(
        expect.arrayContaining([contractId, otherWardContractId]),
      );
    });
  });
});
