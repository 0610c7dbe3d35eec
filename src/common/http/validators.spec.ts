import 'reflect-metadata';
import type { ArgumentMetadata } from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';
import { StrictValidationPipe } from './validation.pipe.js';
import {
  IsBoundedInt,
  IsText,
  NestedObject,
  NestedObjects,
  OptionalField,
  QueryInt,
} from './validators.js';

class Policy {
  @OptionalField()
  @IsBoundedInt(1, 100)
  minutes?: number;
}

class Scope {
  @IsText(1, 10)
  name: string;
}

class Body {
  @NestedObject(() => Scope)
  scope: Scope;

  @OptionalField()
  @NestedObject(() => Policy)
  policy?: Policy;

  @OptionalField()
  @IsText(1, 20)
  witness?: string;
}

class Listing {
  @NestedObjects(() => Scope, 1, 2)
  scopes: Scope[];
}

class Page {
  @QueryInt(0, 1000)
  offset?: number;
}

const pipe = new StrictValidationPipe();
const body: ArgumentMetadata = { type: 'body', metatype: Body };
const query: ArgumentMetadata = { type: 'query', metatype: Page };

/** The fields a refusal names, or `accepted`. */
async function outcome(value: unknown, metadata = body): Promise<string[] | 'accepted'> {
  try {
    await pipe.transform(value, metadata);
    return 'accepted';
  } catch (thrown) {
    if (!(thrown instanceof DomainError)) throw thrown;
    expect(thrown.code).toBe('VALIDATION_FAILED');
    return (thrown.details['fields'] as Array<{ field: string }>).map((f) => f.field).sort();
  }
}

describe('NestedObject', () => {
  it('takes an object and validates inside it', async () => {
    expect(await outcome({ scope: { name: 'a' } })).toBe('accepted');
    expect(await outcome({ scope: { name: '' } })).toEqual(['scope.name']);
  });

  it.each([
    ['missing', {}],
    ['an empty array', { scope: [] }],
    ['an array of valid objects', { scope: [{ name: 'a' }] }],
    ['null', { scope: null }],
    ['a string', { scope: 'a' }],
    ['a number', { scope: 1 }],
  ])('refuses %s where an object is required', async (_label, value) => {
    expect(await outcome(value)).toEqual(['scope']);
  });

  it.each([
    ['an empty array', []],
    ['an array of objects', [{ minutes: 5 }]],
    ['a boolean', true],
  ])('refuses %s for an optional object, which absent or null leaves unset', async (_l, policy) => {
    expect(await outcome({ scope: { name: 'a' }, policy })).toEqual(['policy']);
    expect(await outcome({ scope: { name: 'a' }, policy: null })).toBe('accepted');
    expect(await outcome({ scope: { name: 'a' } })).toBe('accepted');
  });
});

describe('NestedObjects', () => {
  const listing: ArgumentMetadata = { type: 'body', metatype: Listing };

  it('takes a list of objects and validates inside each', async () => {
    expect(await outcome({ scopes: [{ name: 'a' }, { name: 'b' }] }, listing)).toBe('accepted');
    expect(await outcome({ scopes: [{ name: 'a' }, { name: '' }] }, listing)).toEqual([
      'scopes[1].name',
    ]);
  });

  it.each([
    ['missing', {}],
    ['an empty list', { scopes: [] }],
    ['too many', { scopes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }],
    ['an object', { scopes: { name: 'a' } }],
    ['an empty inner list', { scopes: [[]] }],
    ['an inner list of objects', { scopes: [[{ name: 'a' }]] }],
    ['a null item', { scopes: [null] }],
    ['a string item', { scopes: ['a'] }],
  ])('refuses %s, naming the list', async (_label, value) => {
    expect(await outcome(value, listing)).toContain('scopes');
  });
});

describe('IsText and OptionalField', () => {
  it('refuses an empty string even where the field is optional', async () => {
    expect(await outcome({ scope: { name: 'a' }, witness: '' })).toEqual(['witness']);
    expect(await outcome({ scope: { name: 'a' }, witness: 'w' })).toBe('accepted');
    expect(await outcome({ scope: { name: 'a' }, witness: null })).toBe('accepted');
  });
});

describe('QueryInt', () => {
  it.each(['0', '17', '1000', '007'])('takes %s', async (offset) => {
    expect(await outcome({ offset }, query)).toBe('accepted');
  });

  it('converts to a number', async () => {
    expect(await pipe.transform({ offset: '17' }, query)).toEqual(
      Object.assign(new Page(), { offset: 17 }),
    );
  });

  it.each(['1e20', '1e3', '-1', '1.5', 'abc', '', ' 1', '0x10', '1001', '99999999999999999999'])(
    'refuses %j',
    async (offset) => {
      expect(await outcome({ offset }, query)).toEqual(['offset']);
    },
  );

  it('refuses a repeated parameter (an array)', async () => {
    expect(await outcome({ offset: ['1', '2'] }, query)).toEqual(['offset']);
  });
});
