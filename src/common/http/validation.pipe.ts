import {
  type ArgumentMetadata,
  Injectable,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';

export interface FieldProblem {
  field: string;
  messages: string[];
}

/** Flattens nested class-validator errors to `{field: 'a.b[0]', messages}`. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent
      ? /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`
      : error.property;
    if (error.constraints) out.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) out.push(...fieldProblems(error.children, field));
  }
  return out;
}

/**
 * Validates every body and query against its DTO: unknown fields are refused,
 * and any failure is `400 VALIDATION_FAILED` listing the offending fields.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) => {
        const fields = fieldProblems(errors);
        return new DomainError(
          'VALIDATION_FAILED',
          `Invalid request: ${fields.map((f) => f.field).join(', ')}`,
          { fields },
        );
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      metadata.type === 'body' &&
      metadata.metatype &&
      metadata.metatype !== Object &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw new DomainError('VALIDATION_FAILED', 'The request body must be a JSON object', {
        fields: [],
      });
    }
    const broken = malformedStrings(value);
    if (broken.length > 0) {
      // Lone UTF-16 surrogates have no UTF-8 form: they could be neither
      // stored faithfully nor hashed canonically (RFC 8785).
      throw new DomainError('VALIDATION_FAILED', `Invalid text in ${broken.join(', ')}`, {
        fields: broken.map((field) => ({
          field,
          messages: [`${field} contains an unpaired UTF-16 surrogate`],
        })),
      });
    }
    return super.transform(value, metadata);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Paths of the strings (keys included) in a JSON value that are not well-formed Unicode. */
export function malformedStrings(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? [path || '(body)'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => malformedStrings(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, v]) => {
      const field = path ? `${path}.${key}` : key;
      return LONE_SURROGATE.test(key) ? [field] : malformedStrings(v, field);
    });
  }
  return [];
}
