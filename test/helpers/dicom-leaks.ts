import type { DataSource } from 'typeorm';

/**
 * Searches every column of every table in the database's current schema, each read as text
 * and ignoring case, for each value; returns `table.column: value` for every hit. Slow (one
 * statement per column and value) and thorough: made to prove that nothing leaked.
 */
export async function findValues(db: DataSource, values: string[]): Promise<string[]> {
  const columns: Array<{ table_name: string; column_name: string }> = await db.query(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, column_name`,
  );
  if (columns.length === 0) {
    throw new Error('No columns found in the current schema: the search would prove nothing');
  }
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    for (const value of values) {
      const [{ n }]: Array<{ n: number }> = await db.query(
        `SELECT count(*)::int AS n FROM "${table}" WHERE strpos(lower("${column}"::text), $1) > 0`,
        [value.toLowerCase()],
      );
      if (n > 0) {
        found.push(`${table}.${column}: ${value}`);
      }
    }
  }
  return found;
}
