import {
  getFromContainer,
  getMetadataStorage,
  ValidationArguments,
  ValidatorConstraintInterface,
} from 'class-validator';

/** A check of one DTO field, built from its class-validator metadata. */
type FieldCheck = (object: Record<string, unknown>) => boolean;

/** A compiled DTO: the fields it declares, and a yes/no check of an instance. */
export interface CompiledDto {
  readonly fields: readonly string[];
  /** `true` when every constraint holds; `null` when the DTO uses rules the fast path does not know. */
  readonly check: ((object: Record<string, unknown>) => boolean) | null;
}

const cache = new Map<new () => object, CompiledDto>();

/**
 * Reads a DTO's class-validator metadata once and turns it into direct calls of the same constraint
 * classes, skipping validateSync's per-call grouping and error objects. class-validator stays the
 * source of truth: the rules are its decorators, and any failure is re-run through validateSync for
 * its messages. DTOs with rules other than plain constraints (conditional, nested, each, async) get
 * no fast path (`check: null`).
 */
export function compileDto(dto: new () => object): CompiledDto {
  const cached = cache.get(dto);
  if (cached) return cached;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const fields = [...new Set(metadata.map((m) => m.propertyName))];
  const checks: FieldCheck[] = [];
  let compilable = true;
  for (const m of metadata) {
    if (m.type !== 'customValidation' || m.each || !m.constraintCls) {
      compilable = false;
      break;
    }
    const constraint = getFromContainer<ValidatorConstraintInterface>(
      m.constraintCls as new () => ValidatorConstraintInterface,
    );
    const property = m.propertyName;
    const constraints = (m.constraints ?? []) as unknown[];
    const targetName = dto.name;
    checks.push((object) => {
      const value = object[property];
      const args: ValidationArguments = { value, constraints, targetName, object, property };
      // An asynchronous constraint answers a promise: not `true`, so validateSync decides.
      return constraint.validate(value, args) === true;
    });
  }
  const compiled: CompiledDto = {
    fields,
    check: compilable
      ? (object) => {
          for (const check of checks) if (!check(object)) return false;
          return true;
        }
      : null,
  };
  cache.set(dto, compiled);
  return compiled;
}
