import type { Type } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';

/** One example request body, as the document shows it. */
export interface BodyExample {
  /** A short key for the example (`dvd`, `file`, …). */
  name: string;
  summary: string;
  value: unknown;
}

/** Every example a controller declared, with the DTO that validates it. */
export interface RegisteredBodyExample extends BodyExample {
  dto: Type<unknown>;
  /** `Controller.method`, for messages. */
  where: string;
}

const registered: RegisteredBodyExample[] = [];

/**
 * The JSON body of an operation: its DTO and at least one realistic example.
 * Each example is kept here too, so that a test can pass it through the same
 * validation as a request: an example the API would refuse is a failing test.
 */
export function ApiJsonBody(
  dto: Type<unknown>,
  first: BodyExample,
  ...more: BodyExample[]
): MethodDecorator {
  return (target, key, descriptor) => {
    const where = `${target.constructor.name}.${String(key)}`;
    const examples = [first, ...more];
    for (const example of examples) registered.push({ ...example, dto, where });
    ApiBody({
      type: dto,
      examples: Object.fromEntries(
        examples.map(({ name, summary, value }) => [name, { summary, value }]),
      ),
    })(target, key, descriptor);
  };
}

/** The examples of every controller loaded so far. */
export function registeredBodyExamples(): readonly RegisteredBodyExample[] {
  return registered;
}
