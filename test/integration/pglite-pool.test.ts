import type { DataSource } from 'typeorm';

import { openDatabase } from '../../common/db/data-source';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the embedded database under concurrent transactions', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite', dir: null }, { entities: [], migrations: [] });
    await db.query('CREATE TABLE item (id integer PRIMARY KEY)');
  });

  afterAll(() => db.destroy());

  it('should keep a committed row when another transaction rolls back meanwhile', async () => {
    const committing = db.transaction(async (manager) => {
      await manager.query('INSERT INTO item (id) VALUES (1)');
      await pause(50);
    });
    const rollingBack = db
      .transaction(async (manager) => {
        await manager.query('INSERT INTO item (id) VALUES (2)');
        await pause(10);
        throw new Error('roll back');
      })
      .catch((error: Error) => error.message);

    await committing;
    expect(await rollingBack).toBe('roll back');
    expect(await db.query('SELECT id FROM item ORDER BY id')).toEqual([{ id: 1 }]);
  });

  it('should not show a transaction’s uncommitted rows to a query made meanwhile', async () => {
    let read: Promise<unknown> | undefined;
    const failed = db
      .transaction(async (manager) => {
        await manager.query('INSERT INTO item (id) VALUES (3)');
        read = db.query('SELECT count(*)::int AS n FROM item');
        await pause(30);
        throw new Error('roll back');
      })
      .catch((error: Error) => error.message);
    expect(await failed).toBe('roll back');
    // Sharing the one session, the read would have run inside the transaction and counted
    // its row; queued behind it, the read sees only what was committed.
    expect(await read).toEqual([{ n: 1 }]);
  });
});
