import type { LedgerActor, LedgerEntry } from './hash-chain.js';
import {
  BOM,
  CRLF,
  KANRIBO_HEADER,
  csvCell,
  csvLine,
  formatBusinessTime,
  kanriboLine,
} from './kanribo-csv.js';
import type {
  HandoverDispatchedPayload,
  HandoverItemRef,
  HandoverReceivedPayload,
  PartyRef,
} from './ledger-payloads.js';

const TZ = 'Asia/Tokyo';

/** Splits one CSV line (RFC 4180, CRLF-terminated) back into its cells. */
function parseLine(line: string): string[] {
  expect(line.endsWith(CRLF)).toBe(true);
  const text = line.slice(0, -CRLF.length);
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error(`unterminated quoted cell in ${JSON.stringify(line)}`);
        cell += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          cell += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      if (i < text.length && text[i] !== ',') {
        throw new Error(`text after a closing quote in ${JSON.stringify(line)}`);
      }
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      cell = text.slice(i, end);
      if (/["\r\n]/.test(cell))
        throw new Error(`unquoted special character in ${JSON.stringify(cell)}`);
      i = end;
    }
    cells.push(cell);
    if (i >= text.length) return cells;
    i++; // the comma
  }
}

describe('constants', () => {
  it('BOM is U+FEFF and lines end in CRLF', () => {
    expect(BOM).toBe('\uFEFF');
    expect(CRLF).toBe('\r\n');
  });

  it('the header has the 16 columns of the 管理簿', () => {
    expect(KANRIBO_HEADER).toEqual([
      '連番',
      '日時',
      '区分',
      '引渡者',
      '受領者',
      '情報の内容',
      '媒体',
      '数量',
      '件数',
      '運搬方法',
      '鍵付きカバン番号',
      '封印番号',
      '承認者',
      '承認日時',
      '備考',
      'ハッシュ',
    ]);
  });
});

describe('csvCell', () => {
  it('renders null and undefined as an empty cell', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('');
  });

  it('renders numbers as they are', () => {
    expect(csvCell(0)).toBe('0');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(2015)).toBe('2015');
    expect(csvCell(1.5)).toBe('1.5');
  });

  it('leaves plain text alone', () => {
    expect(csvCell('BAG-07')).toBe('BAG-07');
    expect(csvCell('a b')).toBe('a b');
  });

  it('leaves Japanese text untouched', () => {
    expect(csvCell('練馬区 区民部戸籍住民課 山田 太郎')).toBe('練馬区 区民部戸籍住民課 山田 太郎');
    expect(csvCell('住民記録データ／転出者一覧')).toBe('住民記録データ／転出者一覧');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+81-3-1234-5678', "'+81-3-1234-5678"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
  ])('escapes a formula-like cell %p with a leading apostrophe', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('escapes and quotes a cell starting with a carriage return', () => {
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
  });

  it('escapes only at the start of the cell', () => {
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell('DVD-R')).toBe('DVD-R');
    expect(csvCell("'=1")).toBe("'=1");
  });

  it.each([
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line1\nline2', '"line1\nline2"'],
    ['line1\r\nline2', '"line1\r\nline2"'],
    ['a\rb', '"a\rb"'],
  ])('quotes %p with quotes doubled', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('applies both rules together', () => {
    expect(csvCell('=SUM(A1,B1)')).toBe(`"'=SUM(A1,B1)"`);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('-1\n2')).toBe(`"'-1\n2"`);
  });
});

describe('csvLine', () => {
  it('joins the cells with commas and ends with CRLF', () => {
    expect(csvLine([1, 'a', null, undefined, '=x', 'b,c'])).toBe(`1,a,,,'=x,"b,c"\r\n`);
  });

  it('renders the header row', () => {
    const line = csvLine(KANRIBO_HEADER);
    expect(line).toBe(KANRIBO_HEADER.join(',') + '\r\n');
    expect(parseLine(line)).toEqual(KANRIBO_HEADER);
  });

  it('an empty row is just CRLF', () => {
    expect(csvLine([])).toBe('\r\n');
  });
});

describe('formatBusinessTime', () => {
  it('renders 15:00 UTC as midnight of the next day in Tokyo, as 00 not 24', () => {
    expect(formatBusinessTime('2026-03-31T15:00:00.000Z', TZ)).toBe('2026/04/01 00:00');
  });

  it('renders 14:59 UTC as 23:59 of the same day in Tokyo', () => {
    expect(formatBusinessTime('2026-03-31T14:59:00.000Z', TZ)).toBe('2026/03/31 23:59');
    expect(formatBusinessTime('2026-03-31T14:59:59.999Z', TZ)).toBe('2026/03/31 23:59');
  });

  it('accepts an instant with an offset', () => {
    expect(formatBusinessTime('2026-04-01T09:05:00+09:00', TZ)).toBe('2026/04/01 09:05');
  });

  it('pads months, days, hours and minutes', () => {
    expect(formatBusinessTime('2026-01-01T00:01:00Z', TZ)).toBe('2026/01/01 09:01');
  });

  it('crosses a year boundary', () => {
    expect(formatBusinessTime('2026-12-31T15:00:00Z', TZ)).toBe('2027/01/01 00:00');
  });

  it('uses the time zone it is given', () => {
    expect(formatBusinessTime('2026-03-31T15:00:00.000Z', 'UTC')).toBe('2026/03/31 15:00');
    expect(formatBusinessTime('2026-01-01T00:00:00Z', 'UTC')).toBe('2026/01/01 00:00');
  });
});

describe('kanriboLine', () => {
  const REMARKS = KANRIBO_HEADER.indexOf('備考');
  const HASH_D = 'a'.repeat(64);
  const HASH_R = 'b'.repeat(64);

  const actor: LedgerActor = {
    userId: 'u-1',
    loginId: 'yamada',
    displayName: '山田 太郎',
    organizationId: 'org-ward',
    role: 'ward_staff',
  };
  const from: PartyRef = {
    userId: 'u-1',
    displayName: '山田 太郎',
    organizationId: 'org-ward',
    organizationName: '練馬区 戸籍住民課',
  };
  const to: PartyRef = {
    userId: 'u-2',
    displayName: '佐藤 花子',
    organizationId: 'org-contractor',
    organizationName: '株式会社データ処理',
  };
  const items: HandoverItemRef[] = [
    {
      mediumId: 'm1',
      kind: 'dvd_r',
      label: '住民-001',
      description: '住民記録データ',
      recordCount: 1200,
    },
    {
      mediumId: 'm2',
      kind: 'dvd_r',
      label: '住民-002',
      description: '住民記録データ',
      recordCount: 800,
    },
    {
      mediumId: 'm3',
      kind: 'paper',
      label: '届出-001',
      description: '届出書写し',
      recordCount: 15,
    },
  ];

  const entry = (
    type: string,
    payload: HandoverDispatchedPayload | HandoverReceivedPayload,
    overrides: Partial<LedgerEntry> = {},
  ): LedgerEntry => ({
    contractId: 'c-1',
    seq: 7,
    type,
    occurredAt: '2026-03-31T15:00:00.000Z',
    recordedAt: '2026-03-31T15:01:00.000Z',
    actor,
    payload: payload as unknown as Record<string, unknown>,
    prevHash: '0'.repeat(64),
    hash: HASH_D,
    ...overrides,
  });

  const dispatched: HandoverDispatchedPayload = {
    handoverId: 'h-1',
    purpose: 'provide',
    method: 'hand',
    bagId: 'BAG-07',
    sealNumber: 'S-0012345',
    note: '至急',
    from,
    to,
    items,
  };

  const received: HandoverReceivedPayload = {
    handoverId: 'h-2',
    purpose: 'return',
    method: 'lgwan',
    bagId: null,
    sealNumber: null,
    from: to,
    to: from,
    items: [
      {
        mediumId: 'f1',
        kind: 'encrypted_file',
        label: 'out-2026-04.zip',
        description: '課税データ',
        recordCount: 300,
      },
      {
        mediumId: 'f2',
        kind: 'encrypted_file',
        label: 'out-2026-05.zip',
        description: '課税データ',
        recordCount: 200,
      },
    ],
    sealIntact: true,
    sha256: { f1: 'c'.repeat(64), f2: 'd'.repeat(64) },
    fingerprintMismatches: [],
    compromisedMediumIds: [],
    states: { f1: 'returned', f2: 'returned' },
  };

  it.each([
    'contract_created',
    'medium_registered',
    'medium_erased',
    'incident_reported',
    'handover_cancelled',
  ])('returns null for a %s entry', (type) => {
    expect(kanriboLine(entry(type, dispatched), TZ)).toBeNull();
  });

  it('renders a dispatch as the exact 16-column line', () => {
    const line = kanriboLine(entry('handover_dispatched', dispatched), TZ);
    expect(line).toBe(
      [
        '7',
        '2026/04/01 00:00',
        '引渡',
        '練馬区 戸籍住民課 山田 太郎',
        '株式会社データ処理 佐藤 花子',
        '住民記録データ / 届出書写し',
        'DVD-R 住民-001 / DVD-R 住民-002 / 紙 届出-001',
        '3',
        '2015',
        '手渡し',
        'BAG-07',
        'S-0012345',
        '',
        '',
        '目的: 提供; 至急',
        HASH_D,
      ].join(',') + '\r\n',
    );
  });

  it('puts the dispatch cells in the order of the header', () => {
    const cells = parseLine(kanriboLine(entry('handover_dispatched', dispatched), TZ)!);
    expect(cells).toHaveLength(KANRIBO_HEADER.length);
    const row = Object.fromEntries(KANRIBO_HEADER.map((h, i) => [h, cells[i]!]));
    expect(row).toEqual({
      連番: '7',
      日時: '2026/04/01 00:00',
      区分: '引渡',
      引渡者: '練馬区 戸籍住民課 山田 太郎',
      受領者: '株式会社データ処理 佐藤 花子',
      情報の内容: '住民記録データ / 届出書写し',
      媒体: 'DVD-R 住民-001 / DVD-R 住民-002 / 紙 届出-001',
      数量: '3',
      件数: '2015',
      運搬方法: '手渡し',
      鍵付きカバン番号: 'BAG-07',
      封印番号: 'S-0012345',
      承認者: '',
      承認日時: '',
      備考: '目的: 提供; 至急',
      ハッシュ: HASH_D,
    });
  });

  it('omits a null note from the remarks of a dispatch', () => {
    const cells = parseLine(
      kanriboLine(entry('handover_dispatched', { ...dispatched, note: null }), TZ)!,
    );
    expect(cells[REMARKS]).toBe('目的: 提供');
  });

  it.each([
    ['provide', '提供'],
    ['return', '返却'],
    ['subcontract', '再委託'],
    ['internal', '内部'],
  ])('labels the purpose %s as %s', (purpose, label) => {
    const cells = parseLine(
      kanriboLine(entry('handover_dispatched', { ...dispatched, purpose, note: null }), TZ)!,
    );
    expect(cells[REMARKS]).toBe(`目的: ${label}`);
  });

  it('labels every medium kind', () => {
    const kinds: Array<[string, string]> = [
      ['dvd_r', 'DVD-R'],
      ['cd_r', 'CD-R'],
      ['usb', 'USBメモリ'],
      ['encrypted_file', '暗号化ファイル'],
      ['paper', '紙'],
      ['password_notice', 'パスワード通知書'],
    ];
    const all = kinds.map(([kind], i) => ({
      mediumId: `x${i}`,
      kind,
      label: `L${i}`,
      description: '同じ内容',
      recordCount: 1,
    }));
    const cells = parseLine(
      kanriboLine(entry('handover_dispatched', { ...dispatched, items: all }), TZ)!,
    );
    expect(cells[5]).toBe('同じ内容');
    expect(cells[6]).toBe(kinds.map(([, label], i) => `${label} L${i}`).join(' / '));
    expect(cells[7]).toBe('6');
    expect(cells[8]).toBe('6');
  });

  it('renders a receipt with 受領, LGWAN, empty bag and seal, and the check results', () => {
    const line = kanriboLine(
      entry('handover_received', received, {
        seq: 12,
        occurredAt: '2026-03-31T14:59:00.000Z',
        hash: HASH_R,
      }),
      TZ,
    );
    expect(line).toBe(
      [
        '12',
        '2026/03/31 23:59',
        '受領',
        '株式会社データ処理 佐藤 花子',
        '練馬区 戸籍住民課 山田 太郎',
        '課税データ',
        '暗号化ファイル out-2026-04.zip / 暗号化ファイル out-2026-05.zip',
        '2',
        '500',
        'LGWAN',
        '',
        '',
        '',
        '',
        '目的: 返却; 封印異常なし; 指紋照合 2件',
        HASH_R,
      ].join(',') + '\r\n',
    );
    expect(parseLine(line!)).toHaveLength(KANRIBO_HEADER.length);
  });

  it('reports a broken seal, mismatched fingerprints and an incident on a receipt', () => {
    const line = kanriboLine(
      entry('handover_received', {
        ...received,
        method: 'hand',
        bagId: 'BAG-09',
        sealNumber: 'S-77',
        sealIntact: false,
        fingerprintMismatches: ['f1'],
        compromisedMediumIds: ['f1', 'f2'],
      }),
      TZ,
    );
    const cells = parseLine(line!);
    expect(cells[2]).toBe('受領');
    expect(cells[9]).toBe('手渡し');
    expect(cells[10]).toBe('BAG-09');
    expect(cells[11]).toBe('S-77');
    expect(cells[REMARKS]).toBe('目的: 返却; 封印破損; 指紋照合 2件; 指紋不一致 1件; 事故報告あり');
  });

  it('omits the fingerprint count from a receipt that checked none', () => {
    const cells = parseLine(
      kanriboLine(entry('handover_received', { ...received, purpose: 'provide', sha256: {} }), TZ)!,
    );
    expect(cells[REMARKS]).toBe('目的: 提供; 封印異常なし');
  });

  it('escapes a note that starts with = (the remarks cell cannot run as a formula)', () => {
    const line = kanriboLine(
      entry('handover_dispatched', { ...dispatched, note: '=SUM(A1,B1)' }),
      TZ,
    )!;
    // The remarks cell starts with 目的, so no apostrophe is needed; the comma quotes it.
    expect(line).toContain(`,"目的: 提供; =SUM(A1,B1)",${HASH_D}\r\n`);
    const cells = parseLine(line);
    expect(cells).toHaveLength(16);
    expect(cells[REMARKS]).toBe('目的: 提供; =SUM(A1,B1)');
    for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('escapes formula-like and special text in every cell that could start with it', () => {
    const hostile: HandoverDispatchedPayload = {
      ...dispatched,
      bagId: '-BAG',
      sealNumber: '@SEAL',
      note: 'a "quoted", note\r\nnext line',
      from: { ...from, organizationName: '=cmd|calc' },
      to: { ...to, organizationName: '+ACME, Inc.' },
      items: [
        {
          mediumId: 'm1',
          kind: 'usb',
          label: 'U"1',
          description: '=HYPERLINK("http://evil")',
          recordCount: 1,
        },
      ],
    };
    const line = kanriboLine(entry('handover_dispatched', hostile), TZ)!;
    const cells = parseLine(line);
    expect(cells).toEqual([
      '7',
      '2026/04/01 00:00',
      '引渡',
      "'=cmd|calc 山田 太郎",
      "'+ACME, Inc. 佐藤 花子",
      `'=HYPERLINK("http://evil")`,
      'USBメモリ U"1',
      '1',
      '1',
      '手渡し',
      "'-BAG",
      "'@SEAL",
      '',
      '',
      '目的: 提供; a "quoted", note\r\nnext line',
      HASH_D,
    ]);
  });

  it('falls back to the raw kind, purpose and method when there is no label', () => {
    const cells = parseLine(
      kanriboLine(
        entry('handover_dispatched', {
          ...dispatched,
          purpose: 'audit',
          method: 'courier',
          note: null,
          items: [{ ...items[0]!, kind: 'floppy' }],
        }),
        TZ,
      )!,
    );
    expect(cells[6]).toBe('floppy 住民-001');
    expect(cells[9]).toBe('courier');
    expect(cells[REMARKS]).toBe('目的: audit');
  });

  it('names the take-out approvers and the latest approval (in Tokyo) before the remarks', () => {
    const approved = (name: string, at: string, id: string) => ({
      requestId: `req-${id}`,
      approvedByUserId: `u-${name}`,
      approvedByName: name,
      approvedAt: at,
    });
    const line = kanriboLine(
      entry('handover_dispatched', {
        ...dispatched,
        items: [
          { ...items[0]!, takeout: approved('=課長 鈴木', '2026-03-30T00:30:00.000Z', '1') },
          { ...items[1]!, takeout: approved('部長 田中', '2026-03-31T06:00:00+09:00', '2') },
          { ...items[2]!, takeout: approved('=課長 鈴木', '2026-03-29T23:00:00.000Z', '3') },
        ],
      }),
      TZ,
    )!;
    const cells = parseLine(line);
    expect(cells).toHaveLength(KANRIBO_HEADER.length);
    const row = Object.fromEntries(KANRIBO_HEADER.map((h, i) => [h, cells[i]!]));
    // Distinct names in item order, the formula-like one escaped; the latest
    // instant (09:30 Tokyo on the 30th is earlier than 06:00 on the 31st).
    expect(row['承認者']).toBe("'=課長 鈴木 / 部長 田中");
    expect(row['承認日時']).toBe('2026/03/31 06:00');
    expect(row['備考']).toBe('目的: 提供; 至急');
    expect(row['ハッシュ']).toBe(HASH_D);
  });

  it('leaves both approval cells empty when no item was taken out under an approval', () => {
    const cells = parseLine(kanriboLine(entry('handover_received', received), TZ)!);
    expect(cells[KANRIBO_HEADER.indexOf('承認者')]).toBe('');
    expect(cells[KANRIBO_HEADER.indexOf('承認日時')]).toBe('');
  });
});

describe('csvCell numbers', () => {
  it('leaves a negative number a number, not a quoted formula', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('-5')).toBe("'-5");
  });
});
