import type { TestApp } from '../support/test-app.js';
import type { World } from './identity.factory.js';

/**
 * A valid contract body, for Ward A with Contractor X and Subcontractor Z
 * unless told otherwise. Take-out approval is off unless the overrides turn
 * it on: the custody tests exercise other rules, and the take-out tests set
 * `handoverPolicy.requireTakeoutApproval` (the API's default is on). So are
 * handler training and the emergency plan (`handlingPolicy`, on by default
 * in the API): the tests of those rules turn them on, and aCustodyWorld
 * then trains the staff it rosters.
 */
export function contractBody(world: World, overrides: Record<string, unknown> = {}) {
  const handoverPolicy = {
    requireTakeoutApproval: false,
    ...(overrides.handoverPolicy as Record<string, unknown> | undefined),
  };
  const handlingPolicy = {
    requireTraining: false,
    requireEmergencyPlan: false,
    ...(overrides.handlingPolicy as Record<string, unknown> | undefined),
  };
  return {
    title: '住民税課税資料のデータ入力業務委託',
    contractorOrganizationId: world.contractorX.id,
    subcontractorOrganizationIds: [world.subcontractorZ.id],
    startsOn: '2026-09-01',
    endsOn: '2027-03-31',
    dataItems: ['氏名', '住所', '生年月日'],
    subjectCount: 12000,
    ...overrides,
    handoverPolicy,
    handlingPolicy,
  };
}

/** Creates a contract through the API as Ward A's officer and returns its body. */
export async function aContract(
  t: TestApp,
  world: World,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string } & Record<string, any>> {
  const response = await t.post(
    '/api/contracts',
    contractBody(world, overrides),
    world.officerA.token,
  );
  if (response.status !== 201) throw new Error(`contract not created: ${response.text}`);
  return response.body;
}

/** A training for a roster entry or POST /trainings: given on `trainedOn`. */
export function aTraining(trainedOn: string) {
  return {
    trainedOn,
    course: '個人情報の適正な取扱いに関する研修',
    trainer: '情報セキュリティ委員会',
  };
}
