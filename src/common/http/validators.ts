import { registerDecorator, type ValidationOptions } from 'class-validator';
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
