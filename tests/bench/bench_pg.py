"""PostgreSQL: drh's table checksum probe (`drh verify --engine postgres`,
the schema and checksum probes of a drill against a manifest) beside
`pg_dump --data-only | sha256sum`, over a database of 2 GB (times
BENCH_SCALE). Goal: drh at least 2x faster, peak memory under 64 MB.

Both read the same server with warm caches (the data fits in memory, as a
restored RDS instance's working set after its first read does not, so this
is the CPU-bound case: the server's row formatting and the hashing)."""
import benchlib
import dbbench

GB = 2**30
# table -> (share of the size, CREATE, INSERT ... SELECT of one batch from
# generate_series(lo, hi) AS g)
TABLES = {
    "facts": (0.40,
              "CREATE TABLE facts (id bigint PRIMARY KEY, customer int NOT NULL, "
              "amount numeric(12,2), qty int, status text, created timestamptz, note text)",
              "INSERT INTO facts SELECT g, g % 50000, (g % 100000) / 100.0, g % 17, "
              "(ARRAY['new','paid','shipped','returned'])[g % 4 + 1], "
              "timestamptz '2024-01-01' + g * interval '1 second', md5(g::text) FROM g"),
    "events": (0.25,
               "CREATE TABLE events (id bigint PRIMARY KEY, kind text, payload text, "
               "ts timestamp, ref int)",
               "INSERT INTO events SELECT g, 'kind-' || (g % 30), "
               "'{\"user\": ' || (g % 9999) || ', \"path\": \"/api/v1/' || md5(g::text) || "
               "'\", \"ok\": ' || (g % 2 = 0) || ', \"note\": \"tab\there, quote \"\" and \\\\ back\"}', "
               "timestamp '2024-01-01' + g * interval '10 ms', "
               "CASE WHEN g % 7 = 0 THEN NULL ELSE g % 1000 END FROM g"),
    "links": (0.20,
              "CREATE TABLE links (a int NOT NULL, b int NOT NULL, w double precision)",
              "INSERT INTO links SELECT g % 100003, g % 7919, g / 7.0 FROM g"),
    "docs": (0.15,
             "CREATE TABLE docs (id int PRIMARY KEY, title text, body text, raw bytea)",
             "INSERT INTO docs SELECT g, 'Doc (' || g || ')', "
             "repeat(md5(g::text) || ' ', 30), decode(md5((g * 3)::text), 'hex') FROM g"),
}
SMALL = ["CREATE TABLE small_{n} (id int PRIMARY KEY, name text, flag boolean)",
         "INSERT INTO small_{n} SELECT g, 'name ' || g, g % 2 = 0 FROM generate_series(1, 500) g"]
BATCH = 100000


def _fill(srv, target):
    for n in range(4):
        srv.sql(";".join(s.format(n=n) for s in SMALL), database=dbbench.DB)
    for name, (share, create, insert) in TABLES.items():
        srv.sql(create, database=dbbench.DB)
        want, lo = share * target, 1
        while True:
            srv.sql(insert.replace(" FROM g", f" FROM generate_series({lo}, {lo + BATCH - 1}) AS g"),
                    database=dbbench.DB)
            lo += BATCH
            have = int(srv.sql(f"SELECT pg_table_size('{name}')", database=dbbench.DB)[0][0])
            if have >= want:
                break
        benchlib.log(f"postgres: {name}: {lo - 1:,} rows, {have / 2**20:,.0f} MiB")
    srv.sql("VACUUM ANALYZE", database=dbbench.DB)
    srv.sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {dbbench.USER}", database=dbbench.DB)


def bench(ctx):
    srv, pw = dbbench.start(ctx, "postgres", ["-c", "shared_buffers=512MB",
                                              "-c", "max_parallel_workers_per_gather=0"])
    try:
        _fill(srv, 2 * GB * ctx.scale)
        env = {"BENCH_DB_PASSWORD": pw, "PGPASSWORD": pw}
        peer = (f"pg_dump --data-only -h 127.0.0.1 -p {srv.port} -U {dbbench.USER} "
                f"-d {dbbench.DB} | sha256sum")
        return [dbbench.measure(ctx, srv, env, "PostgreSQL",
                                "UPDATE links SET w = w + 1 WHERE ctid = "
                                "(SELECT min(ctid) FROM links)", peer, "pg_dump | sha256sum")]
    finally:
        dbbench.stop(srv)
