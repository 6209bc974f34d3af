/**
 * In-memory storage: one Map per table, with auto-increment ids.
 * Data lives as long as the process; swap this module for a database when needed.
 */
export class MemoryStore {
  #tables = new Map();

  #table(name) {
    let table = this.#tables.get(name);
    if (!table) {
      table = { rows: new Map(), nextId: 1 };
      this.#tables.set(name, table);
    }
    return table;
  }

  list(name, { limit = 50, offset = 0 } = {}) {
    const rows = [...this.#table(name).rows.values()];
    return { items: rows.slice(offset, offset + limit), total: rows.length };
  }

  get(name, id) {
    const row = this.#table(name).rows.get(id);
    return row ? { ...row } : undefined;
  }

  has(name, id) {
    return this.#table(name).rows.has(id);
  }

  find(name, predicate) {
    for (const row of this.#table(name).rows.values()) {
      if (predicate(row)) return { ...row };
    }
    return undefined;
  }

  insert(name, data) {
    const table = this.#table(name);
    const row = { id: table.nextId++, ...data };
    table.rows.set(row.id, row);
    return { ...row };
  }

  update(name, id, data) {
    const table = this.#table(name);
    if (!table.rows.has(id)) return undefined;
    const row = { ...table.rows.get(id), ...data, id };
    table.rows.set(id, row);
    return { ...row };
  }

  delete(name, id) {
    return this.#table(name).rows.delete(id);
  }
}
