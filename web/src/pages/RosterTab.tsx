import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { date, dateTime } from '../format';
import { useMe } from '../session';
import type { Contract } from './ContractPage';
import { ROSTER_ROLES, RosterEntryForm, TrainingForm } from './RosterForms';
import { isContractWard, lastValidDay, partyOf, todayInTokyo } from './tab-helpers';

type Entry = components['schemas']['RosterEntryResponse'];
type Training = components['schemas']['TrainingResponse'];

/** Whether an entry names its person today (not withdrawn, within its period). */
function current(entry: Entry, today: string): boolean {
  return (
    entry.removedAt === null &&
    entry.validFrom <= today &&
    (entry.validTo === null || today <= entry.validTo)
  );
}

/** The training that covers a person longest, if any. */
function latestTraining(trainings: readonly Training[], userId: string): Training | undefined {
  return trainings
    .filter((t) => t.userId === userId)
    .reduce<Training | undefined>(
      (best, t) => (!best || t.lapsesOn > best.lapsesOn ? t : best),
      undefined,
    );
}

function trainingStatus(training: Training | undefined, today: string): string {
  if (!training) return '記録なし';
  const last = lastValidDay(training.lapsesOn);
  return today < training.lapsesOn
    ? `受講済み（${date(last)}まで有効）`
    : `期限切れ（${date(last)}まで）`;
}

/**
 * 名簿: who handles the contract's personal data (取扱責任者・取扱者), their
 * period, and their training (従事者に対する教育). The contract's ward officers
 * add and withdraw entries and record trainings; the contractor's responsible
 * person records the trainings of their staff; everyone else reads.
 */
export function RosterTab({ contract }: { contract: Contract }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const path = { params: { path: { id: contract.id } } };
  const roster = useQuery({
    queryKey: ['roster', contract.id],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}/roster', path)),
  });
  const trainings = useQuery({
    queryKey: ['trainings', contract.id],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}/trainings', path)),
  });
  const refresh = async () => {
    for (const key of ['roster', 'trainings', 'ledger']) {
      await queryClient.invalidateQueries({ queryKey: [key, contract.id] });
    }
  };
  const add = useMutation({
    mutationFn: (body: components['schemas']['CreateRosterEntryRequest']) =>
      unwrap(api.POST('/api/contracts/{id}/roster', { ...path, body })),
    onSuccess: refresh,
  });
  const train = useMutation({
    mutationFn: (body: components['schemas']['RecordTrainingRequest']) =>
      unwrap(api.POST('/api/contracts/{id}/trainings', { ...path, body })),
    onSuccess: refresh,
  });
  const today = todayInTokyo();
  const entries = roster.data?.items ?? [];
  const records = trainings.data?.items ?? [];
  const entryPages = usePaged(entries);
  const trainingPages = usePaged(records);
  const ward = isContractWard(me.data, contract);
  const active = contract.status === 'active';
  const responsible = entries.some(
    (e) => e.userId === me.data?.id && e.role === 'responsible' && current(e, today),
  );
  // The people a training can be recorded for: the roster's, once each; the
  // responsible person records only their own organization's staff.
  const people = [...new Map(entries.map((e) => [e.userId, e])).values()]
    .filter((e) => ward || e.organizationId === me.data?.organizationId)
    .map((e) => ({ userId: e.userId, displayName: e.displayName }));
  const nameOf = (userId: string) =>
    entries.find((e) => e.userId === userId)?.displayName ?? '（名簿にない担当者）';
  return (
    <>
      <h2>名簿</h2>
      <p>
        教育の記録：
        {contract.handlingPolicy.requireTraining
          ? `必要（受講日から${contract.handlingPolicy.trainingValidMonths}か月有効）`
          : '不要'}
      </p>
      {ward && active && (
        <RosterEntryForm
          requireTraining={contract.handlingPolicy.requireTraining === true}
          onSubmit={(body) => add.mutateAsync(body)}
          error={add.error}
          done={add.data && `${add.data.displayName} を名簿に追加しました。`}
        />
      )}
      <ErrorMessage error={roster.error} />
      {roster.data && (
        <table>
          <caption>取扱者名簿（{entries.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">氏名</th>
              <th scope="col">所属</th>
              <th scope="col">役割</th>
              <th scope="col">有効期間</th>
              <th scope="col">状態</th>
              <th scope="col">教育</th>
              {ward && active && <th scope="col">操作</th>}
            </tr>
          </thead>
          <tbody>
            {entryPages.rows.map((e) => (
              <tr key={e.id}>
                <td>{e.displayName}</td>
                <td>{partyOf(contract, e.organizationId)}</td>
                <td>{ROSTER_ROLES[e.role]}</td>
                <td>
                  {date(e.validFrom)} 〜 {e.validTo ? date(e.validTo) : ''}
                </td>
                <td>
                  {e.removedAt
                    ? `取消（${dateTime(e.removedAt)}）`
                    : current(e, today)
                      ? '有効'
                      : '期間外'}
                </td>
                <td>
                  {/* Never "記録なし" before the trainings have been read. */}
                  {trainings.data
                    ? trainingStatus(latestTraining(records, e.userId), today)
                    : trainings.isError
                      ? '不明'
                      : '確認中…'}
                </td>
                {ward && active && (
                  <td>{e.removedAt === null && <RemoveAction contract={contract} entry={e} />}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        page={entryPages.page}
        pageCount={entryPages.pageCount}
        onPage={entryPages.setPage}
        label="名簿"
      />
      <h3>教育の記録</h3>
      {(ward || responsible) && active && (
        <TrainingForm
          people={people}
          onSubmit={(body) => train.mutateAsync(body)}
          error={train.error}
          done={train.data && `${nameOf(train.data.userId)} の受講を記録しました。`}
        />
      )}
      <ErrorMessage error={trainings.error} />
      {trainings.data && (
        <table>
          <caption>教育の記録（{records.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">氏名</th>
              <th scope="col">受講日</th>
              <th scope="col">研修名</th>
              <th scope="col">実施者</th>
              <th scope="col">有効期限</th>
            </tr>
          </thead>
          <tbody>
            {trainingPages.rows.map((t) => (
              <tr key={t.id}>
                <td>{nameOf(t.userId)}</td>
                <td>{date(t.trainedOn)}</td>
                <td>{t.course}</td>
                <td>{t.trainer}</td>
                <td>{date(lastValidDay(t.lapsesOn))}まで</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        page={trainingPages.page}
        pageCount={trainingPages.pageCount}
        onPage={trainingPages.setPage}
        label="教育の記録"
      />
    </>
  );
}

/** 名簿から外す: the entry is withdrawn and kept in the history. */
function RemoveAction({ contract, entry }: { contract: Contract; entry: Entry }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE('/api/contracts/{id}/roster/{entryId}', {
          params: { path: { id: contract.id, entryId: entry.id } },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['roster', contract.id] });
      await queryClient.invalidateQueries({ queryKey: ['ledger', contract.id] });
    },
  });
  return (
    <div className="actions">
      <button
        type="button"
        className="button secondary"
        disabled={remove.isPending}
        aria-label={`${entry.displayName}（${ROSTER_ROLES[entry.role]}）を名簿から外す`}
        onClick={() => remove.mutate()}
      >
        名簿から外す
      </button>
      <ErrorMessage error={remove.error} />
    </div>
  );
}
