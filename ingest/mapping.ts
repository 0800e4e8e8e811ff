import fs from 'node:fs';
import readline from 'node:readline';

/** Patient identifier → linkage key, as issued by the indexing service. */
export interface LinkageMapping {
  /** The linkage key for a patient identifier, or undefined when it has none. */
  keyFor(patientId: string): number | undefined;
}

/** Thrown when a mapping file cannot be used; the message names the line, never a value. */
export class MappingFileError extends Error {
  readonly code = 'MAPPING_FILE_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'MappingFileError';
  }
}

const HEADER = ['patient_id', 'linkage_key'];

/** A mapping held in memory, for tests and for files read by `loadMappingFile`. */
export class MemoryMapping implements LinkageMapping {
  private readonly keys = new Map<string, number>();

  constructor(entries: Iterable<[patientId: string, linkageKey: number]> = []) {
    for (const [patientId, key] of entries) {
      this.add(patientId, key);
    }
  }

  get size(): number {
    return this.keys.size;
  }

  add(patientId: string, key: number): void {
    const id = patientId.trim();
    if (id.length === 0 || !Number.isSafeInteger(key) || key <= 0) {
      throw new TypeError('A mapping entry needs a patient identifier and a positive integer key');
    }
    const known = this.keys.get(id);
    if (known !== undefined && known !== key) {
      throw new MappingFileError('One patient identifier is mapped to two different keys');
    }
    this.keys.set(id, key);
  }

  keyFor(patientId: string): number | undefined {
    return this.keys.get(patientId.trim());
  }
}

/**
 * Reads a `patient_id,linkage_key` CSV (RFC 4180 quoting, header line first) a line at a
 * time. Errors name the line number only: the file is full of identifiers.
 */
export async function loadMappingFile(file: string): Promise<MemoryMapping> {
  const mapping = new MemoryMapping();
  const lines = readline.createInterface({
    input: fs.createReadStream(file, 'utf8'),
    crlfDelay: Infinity,
  });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') {
      continue;
    }
    const fields = splitCsvLine(line);
    if (number === 1) {
      if (fields.map((field) => field.trim().toLowerCase()).join() !== HEADER.join()) {
        throw new MappingFileError(`The mapping must start with the header "${HEADER.join()}"`);
      }
      continue;
    }
    const key = Number(fields[1]?.trim());
    if (fields.length !== 2 || fields[0].trim() === '' || !Number.isSafeInteger(key) || key <= 0) {
      throw new MappingFileError(
        `Mapping line ${number} must hold a patient identifier and a positive integer key`,
      );
    }
    try {
      mapping.add(fields[0], key);
    } catch (error) {
      throw error instanceof MappingFileError
        ? new MappingFileError(`Mapping line ${number}: ${error.message}`)
        : error;
    }
  }
  return mapping;
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}
