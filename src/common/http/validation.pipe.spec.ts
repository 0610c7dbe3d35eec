import 'reflect-metadata';
import type { ArgumentMetadata, ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsInt,
  IsNotEmpty,
  IsString,
  Min,
  ValidateNested,
  validate,
} from 'class-validator';
import { DomainError } from '../errors/domain-error.js';
import { StrictValidationPipe, fieldProblems } from './validation.pipe.js';

class Seal {
  @IsString()
  @IsNotEmpty()
  number: string;
}

class Item {
  @IsString()
  label: string;

  @IsInt()
  @Min(0)
  recordCount: number;

  @ValidateNested()
  @Type(() => Seal)
  seal: Seal;
}

class Dispatch {
  @IsString()
  purpose: string;

  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => Item)
  items: Item[];
}

function item(label: unknown, recordCount: unknown, sealNumber: unknown): Item {
  return Object.assign(new Item(), {
    label,
    recordCount,
    seal: Object.assign(new Seal(), { number: sealNumber }),
  });
}

function dispatch(purpose: unknown, items: Item[]): Dispatch {
  return Object.assign(new Dispatch(), { purpose, items });
}

/** A hand-built class-validator error. */
function error(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
): ValidationError {
  return { property, constraints, children };
}

describe('fieldProblems', () => {
  it('answers nothing for no errors', () => {
    expect(fieldProblems([])).toEqual([]);
  });

  it('lists top-level fields with all their messages', () => {
    const problems = fieldProblems([
      error('title', {
        isString: 'title must be a string',
        isNotEmpty: 'title should not be empty',
      }),
      error('subjectCount', { isInt: 'subjectCount must be an integer number' }),
    ]);
    expect(problems).toEqual([
      { field: 'title', messages: ['title must be a string', 'title should not be empty'] },
      { field: 'subjectCount', messages: ['subjectCount must be an integer number'] },
    ]);
  });

  it('joins nested object fields with dots', () => {
    const problems = fieldProblems([
      error('handoverPolicy', undefined, [
        error('minSeparationMinutes', { min: 'minSeparationMinutes must not be less than 0' }),
      ]),
    ]);
    expect(problems).toEqual([
      {
        field: 'handoverPolicy.minSeparationMinutes',
        messages: ['minSeparationMinutes must not be less than 0'],
      },
    ]);
  });

  it('indexes array elements with brackets, at any depth', () => {
    const problems = fieldProblems([
      error('items', undefined, [
        error('0', undefined, [error('label', { isString: 'label must be a string' })]),
        error('12', undefined, [
          error('seal', undefined, [error('number', { isNotEmpty: 'number should not be empty' })]),
        ]),
      ]),
      error('matrix', undefined, [
        error('1', undefined, [error('3', { isInt: 'each value must be an integer' })]),
      ]),
    ]);
    expect(problems).toEqual([
      { field: 'items[0].label', messages: ['label must be a string'] },
      { field: 'items[12].seal.number', messages: ['number should not be empty'] },
      { field: 'matrix[1][3]', messages: ['each value must be an integer'] },
    ]);
  });

  it('keeps a numeric top-level property as it is', () => {
    expect(fieldProblems([error('0', { isString: 'must be a string' })])).toEqual([
      { field: '0', messages: ['must be a string'] },
    ]);
  });

  it('does not treat a property that only contains digits partly as an index', () => {
    const problems = fieldProblems([
      error('a', undefined, [error('1x', { c: 'm1' }), error('x1', { c: 'm2' })]),
    ]);
    expect(problems.map((p) => p.field)).toEqual(['a.1x', 'a.x1']);
  });

  it("reports both a field's own constraints and its children", () => {
    const problems = fieldProblems([
      error('items', { arrayMinSize: 'items must contain at least 1 elements' }, [
        error('0', { isObject: 'each value in items must be an object' }),
      ]),
    ]);
    expect(problems).toEqual([
      { field: 'items', messages: ['items must contain at least 1 elements'] },
      { field: 'items[0]', messages: ['each value in items must be an object'] },
    ]);
  });

  it('uses the parent path it is given', () => {
    expect(fieldProblems([error('name', { c: 'm' })], 'body')).toEqual([
      { field: 'body.name', messages: ['m'] },
    ]);
    expect(fieldProblems([error('2', { c: 'm' })], 'list')).toEqual([
      { field: 'list[2]', messages: ['m'] },
    ]);
  });

  it('flattens the errors class-validator really produces', async () => {
    const errors = await validate(
      dispatch(42, [item('DVD-R 1', 10, 'S-1'), item(7, -1, ''), item('ok', 1, 'S-3')]),
    );
    const problems = fieldProblems(errors);
    expect(problems.map((p) => p.field).sort()).toEqual(
      ['items[1].label', 'items[1].recordCount', 'items[1].seal.number', 'purpose'].sort(),
    );
    const byField = Object.fromEntries(problems.map((p) => [p.field, p.messages]));
    expect(byField['purpose']).toEqual(['purpose must be a string']);
    expect(byField['items[1].recordCount']).toEqual(['recordCount must not be less than 0']);
    expect(byField['items[1].seal.number']).toEqual(['number should not be empty']);
  });

  it('answers nothing for a valid object', async () => {
    const errors = await validate(dispatch('provide', [item('DVD-R 1', 10, 'S-1')]));
    expect(fieldProblems(errors)).toEqual([]);
  });
});

describe('StrictValidationPipe', () => {
  const pipe = new StrictValidationPipe();
  const body: ArgumentMetadata = { type: 'body', metatype: Dispatch };

  async function refusal(value: unknown, metadata: ArgumentMetadata = body): Promise<DomainError> {
    try {
      await pipe.transform(value, metadata);
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(DomainError);
      return thrown as DomainError;
    }
    throw new Error(`accepted ${JSON.stringify(value)}`);
  }

  it('transforms a valid body into its DTO', async () => {
    const value = {
      purpose: 'provide',
      items: [{ label: 'DVD-R 1', recordCount: 10, seal: { number: 'S-1' } }],
    };
    const result = await pipe.transform(value, body);
    expect(result).toBeInstanceOf(Dispatch);
    expect((result as Dispatch).items[0]).toBeInstanceOf(Item);
    expect((result as Dispatch).items[0]?.seal).toBeInstanceOf(Seal);
  });

  it.each([
    ['an array', [{ purpose: 'provide' }]],
    ['null', null],
    ['a string', 'provide'],
    ['a number', 1],
  ])('refuses %s as a body with 400 VALIDATION_FAILED', async (_label, value) => {
    const error = await refusal(value);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(400);
    expect(error.message).toBe('The request body must be a JSON object');
    expect(error.details).toEqual({ fields: [] });
  });

  it('refuses unknown fields, naming them', async () => {
    const value = {
      purpose: 'provide',
      items: [{ label: 'DVD-R 1', recordCount: 10, seal: { number: 'S-1', colour: 'red' } }],
      isAdmin: true,
    };
    const error = await refusal(value);
    expect(error.code).toBe('VALIDATION_FAILED');
    const fields = (error.details['fields'] as Array<{ field: string }>).map((f) => f.field).sort();
    expect(fields).toEqual(['isAdmin', 'items[0].seal.colour']);
    expect(error.message).toContain('isAdmin');
  });

  it('lists every offending nested field in the details', async () => {
    const value = {
      purpose: 3,
      items: [
        { label: 'a', recordCount: 1, seal: { number: 'S' } },
        { label: 'b', recordCount: 'many', seal: { number: '' } },
      ],
    };
    const error = await refusal(value);
    const fields = (error.details['fields'] as Array<{ field: string; messages: string[] }>)
      .map((f) => f.field)
      .sort();
    expect(fields).toEqual(['items[1].recordCount', 'items[1].seal.number', 'purpose']);
    expect(error.message).toMatch(/^Invalid request: /);
  });

  it('does not echo submitted values in the error', async () => {
    const error = await refusal({
      purpose: 'provide',
      items: [],
      password: 'hunter2-secret-value',
    });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(
      'hunter2-secret-value',
    );
  });
});
