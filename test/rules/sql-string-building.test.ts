import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'sql-string-building';

describe('sql-string-building (TypeScript/JavaScript)', () => {
  it('flags a template literal interpolating a value into pool.query', () => {
    const src = `export async function findCustomer(pool: Pool, email: string) {
  const { rows } = await pool.query(\`SELECT id, name FROM customers WHERE email = '\${email}'\`);
  return rows[0];
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([2]);
    expect(findings[0]?.title).toBe('SQL built from string interpolation');
    expect(findings[0]?.body).toContain('SQL is built with a template literal from `email`, then run by `pool.query(…)`');
    expect(findings[0]?.body).toContain("pool.query('SELECT * FROM users WHERE email = $1', [email])");
  });

  it('flags concatenation and a query variable extended with +=', () => {
    const src = `router.get('/orders', async (req, res) => {
  let sql = 'SELECT * FROM orders WHERE 1=1';
  if (req.query.status) sql += " AND status = '" + req.query.status + "'";
  const orders = await db.query(sql);
  await knex.raw('DELETE FROM carts WHERE owner = ' + req.user.id);
  res.json(orders);
});
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([3, 5]);
    expect(findings[0]?.body).toContain('in `sql` (line 3)');
  });

  it('does not flag bound parameters, tagged templates, constants, numbers or generated placeholders', () => {
    const src = `export async function list(pool: Pool, ids: string[], limit: number, asc: boolean) {
  await pool.query('SELECT * FROM users WHERE email = $1', [email]);
  await prisma.$queryRaw\`SELECT * FROM users WHERE email = \${email}\`;
  await pool.query(\`SELECT * FROM \${USERS_TABLE} WHERE id = $1 LIMIT \${limit}\`, [id]);
  await pool.query(\`SELECT * FROM users WHERE id IN (\${ids.map((_, i) => \`$\${i + 1}\`).join(', ')})\`, ids);
  const conditions: string[] = [];
  conditions.push('status = $1');
  await pool.query(\`SELECT * FROM orders WHERE \${conditions.join(' AND ')} ORDER BY created_at \${asc ? 'ASC' : 'DESC'}\`, [status]);
  await pool.query(\`SELECT * FROM \${this.tableName} WHERE id = $1\`, [id]);
  await client.query(\`SET LOCAL search_path TO \${pg.escapeIdentifier(schema)}\`);
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not flag an outer-scope constant, a unary-plus number, a constant-map lookup or an allow-listed identifier', () => {
    const src = `export class Locks {
  async run(keys: string[], expire: number | undefined, sortBy: string, dir: string) {
    const fnName = "pg_advisory_xact_lock"
    await Promise.all(keys.map((k) => manager.execute(\`SELECT \${fnName}(?)\`, [k])))
    const expireSql = expire ? \`NOW() + INTERVAL '\${+expire} SECONDS'\` : "NULL"
    await manager.execute(\`INSERT INTO locking (id, expiration) VALUES (?, \${expireSql})\`, [keys[0]])
    const column = SORT_COLUMNS[sortBy]
    await pool.query(\`SELECT * FROM orders ORDER BY \${column}\`)
    if (!ALLOWED_DIRECTIONS.includes(dir)) throw new Error('bad direction')
    await pool.query(\`SELECT * FROM orders ORDER BY id \${dir}\`)
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('still flags an identifier that is only checked for presence, not against an allow-list', () => {
    const src = `export async function sorted(pool: Pool, sortBy: string) {
  if (!sortBy) throw new Error('sortBy required')
  return pool.query(\`SELECT * FROM orders ORDER BY \${sortBy}\`)
}
`;
    expect(lines(check(RULE, 'typescript', src))).toEqual([3]);
  });

  it('does not report when the interpolating line was not changed', () => {
    const src = `const sql = \`SELECT * FROM users WHERE email = '\${email}'\`;
const { rows } = await pool.query(sql);
`;
    expect(check(RULE, 'typescript', src, { changed: [2] })).toEqual([]);
  });
});

describe('sql-string-building (Python)', () => {
  it('flags f-strings, % formatting and .format() reaching execute and text()', () => {
    const src = `from sqlalchemy import text

def find(cursor, session, email: str, user_id: int, plan: str):
    cursor.execute(f"SELECT * FROM users WHERE email = '{email}'")
    query = "UPDATE accounts SET plan = '{}' WHERE id = {}".format(plan, user_id)
    cursor.execute(query)
    session.execute(text("DELETE FROM carts WHERE owner = '%s'" % email))
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([4, 5, 7]);
    expect(findings[0]?.body).toContain('an f-string from `email`');
    expect(findings[1]?.body).toContain('from `plan`');
    expect(findings[1]?.body).not.toContain('`user_id`');
    expect(findings[0]?.body).toContain('cursor.execute("SELECT * FROM users WHERE email = %s", (email,))');
  });

  it('does not flag driver parameters, numeric formats or generated placeholder lists', () => {
    const src = `def find(cursor, email, ids, user_id: int):
    cursor.execute("SELECT * FROM users WHERE email = %s", (email,))
    cursor.execute("SELECT * FROM users WHERE id = %d" % user_id)
    placeholders = ", ".join(["%s"] * len(ids))
    cursor.execute(f"SELECT * FROM users WHERE id IN ({placeholders})", ids)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });

  it('does not flag a column checked against an allow-list before use', () => {
    const src = `ALLOWED_COLUMNS = {"name", "created"}

def list_users(cursor, order_by):
    if order_by not in ALLOWED_COLUMNS:
        raise ValueError(order_by)
    cursor.execute(f"SELECT * FROM users ORDER BY {order_by}")
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('sql-string-building (Go)', () => {
  it('flags fmt.Sprintf and concatenation passed to database/sql', () => {
    const src = `package repo

func (r *Repo) Find(ctx context.Context, email string, limit int) (*sql.Rows, error) {
	q := fmt.Sprintf("SELECT * FROM users WHERE email = '%s' LIMIT %d", email, limit)
	if _, err := r.db.ExecContext(ctx, "DELETE FROM sessions WHERE token = '"+token+"'"); err != nil {
		return nil, err
	}
	return r.db.QueryContext(ctx, q)
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([4, 5]);
    expect(findings[0]?.body).toContain('`fmt.Sprintf` in `q` (line 4) from `email`');
    expect(findings[0]?.body).not.toContain('`limit`');
  });

  it('flags GORM conditions and orderings built with fmt.Sprintf, not bound ones', () => {
    const src = `package database

func (d *GormDatabase) Search(userID uint, query string, sort string, limit int) ([]*Message, error) {
	pattern := "%" + strings.ToLower(query) + "%"
	var messages []*Message
	err := d.DB.Where("user_id = ?", userID).
		Where(fmt.Sprintf("LOWER(title) LIKE '%s'", pattern)).
		Order(fmt.Sprintf("%s desc", sort)).
		Where("LOWER(message) LIKE ?", pattern).
		Limit(limit).Find(&messages).Error
	d.DB.Where(fmt.Sprintf("id > %d", limit)).Find(&messages)
	return messages, err
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([7, 8]);
  });

  it('does not flag placeholders or a numeric-only Sprintf', () => {
    const src = `package repo

func (r *Repo) Find(ctx context.Context, email string, limit int) (*sql.Rows, error) {
	q := fmt.Sprintf("SELECT * FROM users WHERE email = $1 LIMIT %d", limit)
	return r.db.QueryContext(ctx, q, email)
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('sql-string-building (Java)', () => {
  it('flags concatenated SQL in JDBC, JdbcTemplate and JPA calls', () => {
    const src = `public class UserRepository {
    public List<User> find(String email, String name) throws SQLException {
        String sql = "SELECT * FROM users WHERE email = '" + email + "'";
        ResultSet rs = connection.createStatement().executeQuery(sql);
        jdbcTemplate.update(String.format("DELETE FROM carts WHERE owner = '%s'", name));
        return em.createQuery("SELECT u FROM User u WHERE u.name = '" + name + "'", User.class).getResultList();
    }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([3, 5, 6]);
    expect(findings[0]?.body).toContain('PreparedStatement');
  });

  it('flags a JPQL query assembled in a StringBuilder from a parameter', () => {
    const src = `public class ProductRepositoryImpl {
    public List<Product> search(String term, Long storeId) {
        StringBuilder sb = new StringBuilder("select p from Product p ");
        sb.append("where p.store.id = :sid ");
        sb.append("and lower(p.name) like '%").append(term.toLowerCase()).append("%'");
        Query q = em.createQuery(sb.toString());
        q.setParameter("sid", storeId);
        return q.getResultList();
    }

    public List<Product> byStore(Long storeId, int limit) {
        StringBuilder sb = new StringBuilder();
        sb.append("select p from Product p where p.store.id = :sid order by p.id ");
        sb.append("limit ").append(limit);
        return em.createQuery(sb.toString()).setParameter("sid", storeId).getResultList();
    }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.body).toContain('a `StringBuilder`');
  });

  it('does not flag prepared statements or numeric values', () => {
    const src = `public class UserRepository {
    public List<User> find(String email, long id) throws SQLException {
        PreparedStatement ps = connection.prepareStatement("SELECT * FROM users WHERE email = ?");
        ps.setString(1, email);
        jdbcTemplate.execute("UPDATE tb_schema_settings SET schema_version = " + toDbVersion(version));
        return jdbcTemplate.query("SELECT * FROM users WHERE id = " + id, mapper);
    }

    private long toDbVersion(String version) {
        return Long.parseLong(version.replace(".", ""));
    }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});
