"""MySQL / MariaDB: drh's table checksum probe (`drh verify --engine mysql`,
the schema and checksum probes of a drill against a manifest) beside
`mariadb-dump | sha256sum`, over a database of 2 GB (times BENCH_SCALE).
Goal: drh at least 2x faster, peak memory under 64 MB.

The server has a 1 GB buffer pool and the data is read once before timing,
so both tools read from memory: the CPU-bound case."""
import benchlib
import dbbench

GB = 2**30
# table -> (share, CREATE, INSERT ... SELECT over seq (MariaDB's sequence
# engine: seq_LO_to_HI, column seq))
TABLES = {
    "facts": (0.40,
              "CREATE TABLE facts (id bigint PRIMARY KEY, customer int NOT NULL, "
              "amount decimal(12,2), qty int, status varchar(16), created datetime(3), "
              "note varchar(64))",
              "INSERT INTO facts SELECT seq, seq % 50000, (seq % 100000) / 100.0, seq % 17, "
              "ELT(seq % 4 + 1, 'new', 'paid', 'shipped', 'returned'), "
              "TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND, MD5(seq) FROM {seq}"),
    "events": (0.25,
               "CREATE TABLE events (id bigint PRIMARY KEY, kind varchar(16), payload text, "
               "ts timestamp(3) NULL, ref int NULL)",
               "INSERT INTO events SELECT seq, CONCAT('kind-', seq % 30), "
               "CONCAT('{\"user\": ', seq % 9999, ', \"path\": \"/api/v1/', MD5(seq), "
               "'\", \"note\": \"tab\\there, quote '' and \\\\\\\\ back\"}'), "
               "TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq * 10 MICROSECOND, "
               "IF(seq % 7 = 0, NULL, seq % 1000) FROM {seq}"),
    "links": (0.20,
              "CREATE TABLE links (id int PRIMARY KEY, a int NOT NULL, b int NOT NULL, w double)",
              "INSERT INTO links SELECT seq, seq % 100003, seq % 7919, seq / 7.0 FROM {seq}"),
    "docs": (0.15,
             "CREATE TABLE docs (id int PRIMARY KEY, title varchar(100), body text, raw varbinary(16))",
             "INSERT INTO docs SELECT seq, CONCAT('Doc (', seq, ')'), REPEAT(CONCAT(MD5(seq), ' '), 30), "
             "UNHEX(MD5(seq * 3)) FROM {seq}"),
}
BATCH = 100000


def _fill(srv, target):
    for n in range(4):
        srv.sql(f"CREATE TABLE small_{n} (id int PRIMARY KEY, name varchar(20), flag boolean);"
                f"INSERT INTO small_{n} SELECT seq, CONCAT('name ', seq), seq % 2 FROM seq_1_to_500",
                database=dbbench.DB)
    for name, (share, create, insert) in TABLES.items():
        srv.sql(create, database=dbbench.DB)
        want, lo = share * target, 1
        while True:
            srv.sql(insert.replace("{seq}", f"seq_{lo}_to_{lo + BATCH - 1}"), database=dbbench.DB)
            lo += BATCH
            srv.sql(f"ANALYZE TABLE {name}", database=dbbench.DB)
            have = int(srv.sql("SELECT DATA_LENGTH FROM information_schema.TABLES WHERE "
                               f"TABLE_SCHEMA = 'app' AND TABLE_NAME = '{name}'")[0][0])
            if have >= want:
                break
        benchlib.log(f"mysql: {name}: {lo - 1:,} rows, {have / 2**20:,.0f} MiB")


def bench(ctx):
    srv, pw = dbbench.start(ctx, "mysql", ["--innodb-buffer-pool-size=1G",
                                           "--innodb-log-file-size=256M"])
    try:
        _fill(srv, 2 * GB * ctx.scale)
        env = {"BENCH_DB_PASSWORD": pw, "MYSQL_PWD": pw}
        peer = (f"mariadb-dump --single-transaction -h 127.0.0.1 -P {srv.port} "
                f"-u {dbbench.USER} {dbbench.DB} | sha256sum")
        return [dbbench.measure(ctx, srv, env, "MySQL", "UPDATE links SET w = w + 1 WHERE id = 1",
                                peer, "mariadb-dump | sha256sum")]
    finally:
        dbbench.stop(srv)
