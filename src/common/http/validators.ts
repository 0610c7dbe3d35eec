import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { isIsoDate } from '../time/business-date.js';
import { isInstant } from '../time/instant.js';

/** A real calendar date written `YYYY-MM-DD`. */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isIsoDate',
      target: target.constructor,
      propertyName: propertyName.toString(),
      options: {
        message: `${propertyName.toString()} must be a date written YYYY-MM-DD`,
        ...options,
      },
      validator: { validate: (value: unknown) => isIsoDate(value) },
    });
  };
}

/** An ISO 8601 date-time with an offset (`Z` or `+09:00`). */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName.toString(),
      options: {
        message: `${propertyName.toString()} must be an ISO 8601 date-time with an offset, e.g. 2026-04-01T09:30:00+09:00`,
        ...options,
      },
      validator: { validate: (value: unknown) => isInstant(value) },
    });
  };
}

/*
 * How request fields are written, in every DTO (the OpenAPI document says the
 * same, because each decorator below documents what it checks):
 *
 * - An optional field (`@OptionalField()`) is "not given" when it is absent or
 *   `null`: responses show an unset optional value as `null`, so a client may
 *   send back what it read. The schema marks such a field `nullable`. Every
 *   other field refuses `null`.
 * - An empty string is never taken for "absent": text is stored in the ledger
 *   (and signed) as sent, so `""` and a missing field would be two different
 *   facts. A text field refuses `""` unless its schema says `minLength: 0`; a
 *   client that has nothing to say leaves the field out. `@IsText` documents
 *   minLength and maxLength with the check.
 * - A nested object (`@NestedObject`) is a JSON object, never an array: an
 *   array would otherwise be validated element by element (an empty one
 *   passing untouched) and taken for the object.
 * - A number in a query string (`@QueryInt`) is an integer written in decimal
 *   digits, within documented bounds: `1e20`, `-1`, `1.5`, `0x10` and `abc`
 *   are refused before they reach SQL.
 */

/**
 * Absent or `null`: the field is not given (and the schema says it is
 * optional and nullable). A `null` is turned into "absent" here, so that the
 * service sees `undefined` as its type says (a `bagId: null` reached
 * `normalizeBagId` and answered 500).
 */
export function OptionalField(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === null ? undefined : value)),
    IsOptional(),
    ApiProperty({ required: false, nullable: true }),
  );
}

const isJsonObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A nested JSON object validated as `type()`: an array, a primitive, a
 * missing value (unless also `@OptionalField()`) are refused by name.
 */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  const objectCheck: PropertyDecorator = (target, propertyName) => {
    registerDecorator({
      name: 'isNestedObject',
      target: target.constructor,
      propertyName: propertyName.toString(),
      options: { message: `${propertyName.toString()} must be a JSON object (not an array)` },
      // class-transformer has already turned the plain value into `type()`
      // (or an array of them): what matters is that it was not an array.
      validator: { validate: (value: unknown) => isJsonObject(value) },
    });
  };
  return applyDecorators(objectCheck, ValidateNested(), Type(type));
}

/**
 * A list of `min`–`max` nested JSON objects, each validated as `type()`: a
 * list holding an array, a primitive or null is refused by name (class-
 * validator alone lets an empty inner array through).
 */
export function NestedObjects(
  type: () => new () => object,
  min: number,
  max: number,
): PropertyDecorator {
  const objectsCheck: PropertyDecorator = (target, propertyName) => {
    registerDecorator({
      name: 'isNestedObjectList',
      target: target.constructor,
      propertyName: propertyName.toString(),
      options: { message: `each of ${propertyName.toString()} must be a JSON object` },
      validator: {
        validate: (value: unknown) => Array.isArray(value) && value.every(isJsonObject),
      },
    });
  };
  return applyDecorators(
    IsArray(),
    ArrayMinSize(min),
    ArrayMaxSize(max),
    objectsCheck,
    ValidateNested({ each: true }),
    Type(type),
  );
}

/** A string of `min` to `max` characters; the schema documents both. */
export function IsText(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(min, max),
    ApiProperty({ type: String, minLength: min, maxLength: max }),
  );
}

/** A list of 1 to 100 distinct references (ids or labels), each 1 to 200 characters. */
export function IsRefList(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(100),
    ArrayUnique(),
    IsString({ each: true }),
    Length(1, 200, { each: true }),
  );
}

/** An integer in `[min, max]` in a body; the schema documents the bounds. */
export function IsBoundedInt(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    IsInt(),
    Min(min),
    Max(max),
    ApiProperty({ type: 'integer', minimum: min, maximum: max }),
  );
}

const DECIMAL_DIGITS = /^\d{1,16}$/;

/**
 * The largest sequence number, offset or count a query may name: PostgreSQL's
 * `integer` (the type of `seq` columns). A larger one would fail in SQL.
 */
export const MAX_SEQ = 2_147_483_647;

/**
 * The largest seq of the access log a query may name: its counters are
 * 64-bit (bigint on PostgreSQL), and JavaScript counts them exactly up to
 * 2^53 - 1.
 */
export const MAX_LOG_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * An optional integer query parameter in `[min, max]`, written in decimal
 * digits only (a value that is not stays a string, and fails `IsInt`).
 */
export function QueryInt(min: number, max: number): PropertyDecorator {
  return applyDecorators(IsOptional(), queryInt(min, max, false));
}

/** A required integer query parameter in `[min, max]`, in decimal digits. */
export function RequiredQueryInt(min: number, max: number): PropertyDecorator {
  return applyDecorators(IsDefined(), queryInt(min, max, true));
}

function queryInt(min: number, max: number, required: boolean): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && DECIMAL_DIGITS.test(value) ? Number(value) : value,
    ),
    IsInt(),
    Min(min),
    Max(max),
    ApiProperty({ type: 'integer', required, minimum: min, maximum: max }),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a reference is an id (a UUID) rather than a name (a label, a login id). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A JSON array of `min` to `max` objects, each validated as `type()`; an
 * element that is not an object (a string, an array, null) is refused.
 */
export function NestedArray(
  type: () => new () => object,
  min: number,
  max: number,
): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMinSize(min),
    ArrayMaxSize(max),
    IsObject({ each: true }),
    ValidateNested({ each: true }),
    Type(type),
    ApiProperty({ type: () => [type()], minItems: min, maxItems: max }),
  );
}
