import { registerDecorator, ValidationOptions } from 'class-validator';

/** The property, when present, is `null`, a finite number, or a non-empty string of at most 100 characters. */
export function IsErrorCode(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isErrorCode',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) => `${property} must be a number, a string or null`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          value === undefined ||
          value === null ||
          (typeof value === 'number' && Number.isFinite(value)) ||
          (typeof value === 'string' && value.length > 0 && value.length <= 100),
      },
    });
  };
}
