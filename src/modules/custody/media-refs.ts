import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Sql } from '../../database/sql.js';
import { CustodyQueries } from './custody.queries.js';
import { type LabelledMedium, resolveMediumRefs } from './medium-ref.rule.js';

/** Ids for references by id or label (422 UNKNOWN_MEDIUM for one that names none or several). */
export function resolveOrRefuse(labelled: LabelledMedium[], refs: string[]): string[] {
  const resolved = resolveMediumRefs(refs, labelled);
  if (!resolved.ok) {
    throw new DomainError(
      'UNKNOWN_MEDIUM',
      resolved.ambiguous.length > 0
        ? 'A label names several media of this contract: use the medium id'
        : 'Some items are not media of this contract',
      {
        mediumIds: [...resolved.unknown, ...resolved.ambiguous],
        ...(resolved.ambiguous.length > 0 ? { ambiguousLabels: resolved.ambiguous } : {}),
      },
    );
  }
  return resolved.ids;
}

/** The ids of the contract's media that `refs` name (ids or labels), each once, in order. */
export async function contractMediumIds(
  manager: EntityManager,
  contractId: string,
  refs: string[],
): Promise<string[]> {
  const labelled = await new CustodyQueries(new Sql(manager)).labels(contractId);
  return [...new Set(resolveOrRefuse(labelled, refs))];
}
