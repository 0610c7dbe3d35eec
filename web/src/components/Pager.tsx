import { useState } from 'react';

/** Rows shown on one page of any list. */
export const PAGE_SIZE = 50;

/**
 * 前へ / 次へ under a list, with where the reader is. The list decides what a
 * page is (a slice of rows it holds, or a server page after a seq).
 */
export function Pager({
  page,
  pageCount,
  onPage,
  label,
  countKnown = true,
}: {
  page: number;
  /** Pages in all, or (countKnown false) the pages one may go to so far. */
  pageCount: number;
  onPage: (page: number) => void;
  label: string;
  /** False for keyset paging, where the number of pages is not known until the last. */
  countKnown?: boolean;
}) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pager" aria-label={`${label}のページ`}>
      <button
        type="button"
        className="button secondary"
        disabled={page <= 0}
        onClick={() => onPage(page - 1)}
      >
        前へ
      </button>
      <span aria-live="polite">
        {countKnown ? `${page + 1} / ${pageCount} ページ` : `${page + 1} ページ目`}
      </span>
      <button
        type="button"
        className="button secondary"
        disabled={page >= pageCount - 1}
        onClick={() => onPage(page + 1)}
      >
        次へ
      </button>
    </nav>
  );
}

/** One page of rows the screen already holds (lists the API answers whole). */
export function usePaged<T>(items: readonly T[], size = PAGE_SIZE) {
  const [page, setPage] = useState(0);
  const pageCount = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(page, pageCount - 1);
  return {
    page: current,
    pageCount,
    setPage,
    rows: items.slice(current * size, (current + 1) * size),
  };
}
