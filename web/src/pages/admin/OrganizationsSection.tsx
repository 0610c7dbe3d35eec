import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
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
  documentAddressee: string;
}

const ADDRESSEE_HINT =
  '消去証明書などの文書の冒頭に書く宛名（例：新宿区長 殿）。空欄なら「名称 御中」。';

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
                <th scope="col">文書の宛名</th>
                <th scope="col">登録日時</th>
              </tr>
            </thead>
            <tbody>
              {paged.rows.map((o) => (
                <tr key={o.id}>
                  <td>{o.name}</td>
                  <td>{ORGANIZATION_KINDS[o.kind]}</td>
                  <td>
                    <AddresseeCell
                      id={o.id}
                      name={o.name}
                      documentAddressee={o.documentAddressee}
                    />
                  </td>
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
  const form = useForm<NewOrganization>({
    defaultValues: { name: '', kind: '', documentAddressee: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const create = useMutation({
    mutationFn: (body: { name: string; kind: OrganizationKind; documentAddressee?: string }) =>
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
              .mutateAsync({
                name: v.name.trim(),
                kind: v.kind as OrganizationKind,
                ...(v.documentAddressee.trim()
                  ? { documentAddressee: v.documentAddressee.trim() }
                  : {}),
              })
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
        <TextField
          label="文書の宛名（任意）"
          autoComplete="off"
          hint={ADDRESSEE_HINT}
          error={errors.documentAddressee?.message}
          {...form.register('documentAddressee', {
            maxLength: { value: 100, message: '宛名は100文字以内にしてください。' },
          })}
        />
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

/** An organization's addressee (宛名), and a small form to change it. */
function AddresseeCell({
  id,
  name,
  documentAddressee,
}: {
  id: string;
  name: string;
  documentAddressee: string | null;
}) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const form = useForm<{ documentAddressee: string }>({
    defaultValues: { documentAddressee: documentAddressee ?? '' },
  });
  const { errors } = form.formState;
  const save = useMutation({
    mutationFn: (value: string) =>
      unwrap(
        api.PATCH('/api/organizations/{id}', {
          params: { path: { id } },
          body: { documentAddressee: value },
        }),
      ),
    onSuccess: async () => {
      setEditing(false);
      await queryClient.invalidateQueries({ queryKey: ['organizations'] });
    },
  });
  if (!editing) {
    return (
      <div className="actions">
        <span>{documentAddressee ?? `（${name} 御中）`}</span>
        <button
          type="button"
          className="button secondary"
          aria-label={`${name}の宛名を変更`}
          onClick={() => {
            // The value as it is now (saved here or by another admin), not what was typed last time.
            form.reset({ documentAddressee: documentAddressee ?? '' });
            save.reset();
            setEditing(true);
          }}
        >
          変更
        </button>
      </div>
    );
  }
  return (
    <form
      aria-label={`${name}の宛名`}
      noValidate
      onSubmit={(e) =>
        void form.handleSubmit((v) =>
          save.mutateAsync(v.documentAddressee.trim()).catch(() => undefined),
        )(e)
      }
    >
      <TextField
        label={`${name}の宛名`}
        autoComplete="off"
        hint={ADDRESSEE_HINT}
        error={errors.documentAddressee?.message}
        {...form.register('documentAddressee', {
          maxLength: { value: 100, message: '宛名は100文字以内にしてください。' },
        })}
      />
      <div className="actions">
        <button type="submit" className="button primary" disabled={save.isPending}>
          保存する
        </button>
        <button type="button" className="button secondary" onClick={() => setEditing(false)}>
          やめる
        </button>
      </div>
      <ErrorMessage error={save.error} />
    </form>
  );
}
