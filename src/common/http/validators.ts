import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isIsoDate } from '../time/business-date.js';

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
