import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { api, unwrap } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Pager, usePaged } from '../../components/Pager';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { dateTime } from '../../format';
import { ORGANIZATION_KINDS, type OrganizationKind, useOrganizations } from './admin-hooks';

interface NewOrganization {
  name: string;
  kind: OrganizationKind | '';
}

/** 組織: wards and contractors, and the form to add one. */
export function OrganizationsSection() {
  const organizations = useOrganizations();
  const items = organizations.data ?? [];
  const paged = usePaged(items);
  return (
    <>
      <h2>組織</h2>
      <section className="panel" aria-labelledby="add-organization-heading">
        <h3 id="add-organization-heading">組織の追加</h3>
        <CreateOrganizationForm />
      </section>
      <ErrorMessage error={organizations.error} />
      {organizations.isPending && <p className="loading">読み込み中…</p>}
      {organizations.data && (
        <>
          <table>
            <caption>組織の一覧（{items.length}件）</caption>
            <thead>
              <tr>
                <th scope="col">名称</th>
                <th scope="col">種別</th>
                <th scope="col">登録日時</th>
              </tr>
            </thead>
            <tbody>
              {paged.rows.map((o) => (
                <tr key={o.id}>
                  <td>{o.name}</td>
                  <td>{ORGANIZATION_KINDS[o.kind]}</td>
                  <td>{dateTime(o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            page={paged.page}
            pageCount={paged.pageCount}
            onPage={paged.setPage}
            label="組織の一覧"
          />
        </>
      )}
    </>
  );
}

function CreateOrganizationForm() {
  const queryClient = useQueryClient();
  const form = useForm<NewOrganization>({ defaultValues: { name: '', kind: '' } });
  const { errors, isSubmitting } = form.formState;
  const create = useMutation({
    mutationFn: (body: { name: string; kind: OrganizationKind }) =>
      unwrap(api.POST('/api/organizations', { body })),
    onSuccess: () => {
      form.reset();
      return queryClient.invalidateQueries({ queryKey: ['organizations'] });
    },
  });
  return (
    <>
      <form
        aria-label="組織の追加"
        noValidate
        onSubmit={(e) =>
          void form.handleSubmit((v) =>
            create
              .mutateAsync({ name: v.name.trim(), kind: v.kind as OrganizationKind })
              .catch(() => undefined),
          )(e)
        }
      >
        <TextField
          label="名称"
          autoComplete="off"
          error={errors.name?.message}
          {...form.register('name', {
            validate: (v) => v.trim() !== '' || '名称を入力してください。',
            maxLength: { value: 200, message: '名称は200文字以内にしてください。' },
          })}
        />
        <SelectField
          label="種別"
          error={errors.kind?.message}
          {...form.register('kind', { required: '種別を選んでください。' })}
        >
          <option value="">選んでください</option>
          {(Object.keys(ORGANIZATION_KINDS) as OrganizationKind[]).map((k) => (
            <option key={k} value={k}>
              {ORGANIZATION_KINDS[k]}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button primary" disabled={isSubmitting}>
          追加する
        </button>
      </form>
      <ErrorMessage error={create.error} />
      {create.isSuccess && (
        <p role="status" className="success">
          {create.data.name}（{ORGANIZATION_KINDS[create.data.kind]}）を追加しました。
        </p>
      )}
    </>
  );
}
