/* Tests of the drill loader: every bad file in tests/data/drills/bad is
 * refused at the exact line and column with the expected message and a
 * hint; the good files and every example in drills/examples load with the
 * values and defaults drill.h promises; durations; file-level errors. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "drill/drill.h"
#include "mem.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BAD_DIR "tests/data/drills/bad/"
#define GOOD_DIR "tests/data/drills/good/"

struct bad_case {
    const char *name; /* BAD_DIR name.json */
    int line, col;
    const char *fragment; /* in the message, after "FILE:LINE:COL: " */
    const char *hint;     /* in the hint ("": any non-empty hint) */
};

/* Written with the files by tests/data/drills/make-bad-cases.py, which marks
 * the expected position in each file's text: the positions do not come from
 * drh. Edit the script, not the table. */
/* clang-format off */
static const struct bad_case s_bad[] = {
    {"syntax-trailing-comma", 6, 26, "invalid JSON: trailing comma before '}'", "strict JSON"},
    {"syntax-trailing-comma-array", 14, 49, "invalid JSON: trailing comma before ']'", ""},
    {"syntax-missing-comma", 6, 5, "invalid JSON: expected ',' or '}' after a member, found '\"'", ""},
    {"syntax-unquoted-key", 2, 14, "invalid JSON: expected a key in double quotes, found 'n'", ""},
    {"syntax-comment", 3, 3, "invalid JSON: expected a key in double quotes, found '/'", ""},
    {"syntax-missing-colon", 4, 15, "invalid JSON: expected ':' after the key, found '\"'", ""},
    {"syntax-single-quotes", 5, 15, "invalid JSON: unexpected character '''", ""},
    {"syntax-leading-zero", 3, 22, "invalid JSON: invalid number", ""},
    {"syntax-text-after", 28, 1, "invalid JSON: unexpected text after the document: '}'", ""},
    {"syntax-truncated", 17, 17, "invalid JSON: unexpected end of input", ""},
    {"syntax-bad-escape", 2, 27, "invalid JSON: invalid escape in string", ""},
    {"syntax-unterminated", 2, 36, "invalid JSON: unescaped control character 0x0a in string", ""},
    {"duplicate-key", 6, 5, "invalid JSON: duplicate key \"region\" in $.source", ""},
    {"root-array", 1, 1, "a drill file holds a JSON object, not array", ""},
    {"unknown-top-key", 3, 3, "unknown top-level key 'sources'", "did you mean 'source'?"},
    {"unknown-key-close", 9, 5, "unknown key 'acount' in target", "did you mean 'account'?"},
    {"unknown-key-far", 12, 5, "unknown key 'colour' in target", "target takes: account, region, profile"},
    {"unknown-key-reports", 27, 16, "unknown key 'htm' in reports", "did you mean 'html'?"},
    {"reports-metrics-not-prom", 27, 27, "reports.metrics: 'drh.txt' is not a file name ending in .prom", "textfile collector reads only *.prom"},
    {"controls-not-array", 2, 48, "drill.controls: expected array, got string", ""},
    {"controls-missing-framework", 2, 49, "missing required key 'framework' in drill.controls[0]", "ISO 27001:2022"},
    {"controls-unknown-key", 2, 92, "unknown key 'titel' in drill.controls[0]", "did you mean 'title'?"},
    {"controls-twice", 2, 118, "drill.controls[1]: SOC 2 A1.2 is listed twice (also drill.controls[0])", "list each control once"},
    {"missing-drill-name", 2, 12, "missing required key 'name' in drill", "add \"name\""},
    {"missing-target", 1, 1, "missing required top-level key 'target'", ""},
    {"missing-isolation", 8, 13, "missing required key 'isolation' in target", "\"isolation\": {\"db_subnet_group\""},
    {"tier-value-before-missing", 11, 14, "target.vault: 'dr vault' is not a backup vault name", "2 to 50 letters"},
    {"first-in-file-order", 6, 14, "target.vault: 'dr vault' is not a backup vault name", ""},
    {"account-number", 4, 16, "source.account: expected string, got number", "in quotes"},
    {"account-short", 4, 16, "source.account: '11111111111' is not an AWS account id", "12 digits"},
    {"region-bad", 5, 15, "source.region: 'us-east' is not an AWS region name", "us-east-1"},
    {"role-arn-bad", 12, 17, "target.role_arn: 'arn:aws:iam::222222222222:user/bob' is not an IAM role ARN", "arn:aws:iam::222222222222:role/"},
    {"role-arn-account", 12, 17, "target.role_arn: the role is in account 333333333333", "account 222222222222"},
    {"role-arn-partition", 12, 17, "target.role_arn: partition 'aws-cn' does not fit region us-east-1", ""},
    {"backup-role-arn-account", 7, 24, "source.backup_role_arn: the role is in account 222222222222", ""},
    {"external-id-without-role", 12, 5, "target.external_id: only used with role_arn", "role_arn"},
    {"external-id-bad", 13, 20, "target.external_id: not a valid external id", ""},
    {"target-only-key-in-source", 7, 5, "key 'kms_key' applies to target only, not source", "move \"kms_key\" into \"target\""},
    {"kms-key-bad", 12, 16, "target.kms_key: 'drh-dr-key' is not a KMS key", "alias/NAME"},
    {"kms-key-region", 12, 16, "target.kms_key: the key is in us-west-2, but copies are made in us-east-1", ""},
    {"vault-bad", 6, 14, "source.vault: 'p' is not a backup vault name", ""},
    {"profile-empty", 7, 16, "source.profile: must not be empty", ""},
    {"isolation-string-bad", 12, 18, "target.isolation: 'none' is not an object", ""},
    {"isolation-number", 12, 18, "target.isolation: expected object, got number", ""},
    {"isolation-no-sgs", 14, 26, "target.isolation.security_groups: at least one security group is needed", ""},
    {"isolation-sg-bad", 14, 51, "target.isolation.security_groups[1]: 'sg_2' is not a security group id", ""},
    {"isolation-missing-sgs", 12, 18, "missing required key 'security_groups' in target.isolation", ""},
    {"drill-name-bad", 2, 22, "drill.name: 'unit_drill' is not a valid name", "1 to 40 letters"},
    {"drill-name-long", 2, 22, "drill.name: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a valid name", ""},
    {"drill-name-escape", 2, 22, "drill.name: 'a?b' is not a valid name", ""},
    {"utf8-columns", 2, 66, "unknown key 'nme' in drill", "did you mean 'name'?"},
    {"objectives-duration-bad", 3, 26, "objectives.rto: '12 hours' is not a duration", "largest unit first"},
    {"objectives-duration-order", 3, 39, "objectives.rpo: '30m1h' is not a duration", ""},
    {"objectives-duration-number", 3, 26, "objectives.rto: expected a duration string, got number", "\"90s\""},
    {"objectives-duration-zero", 3, 26, "objectives.rpo: '0s' is not a duration", ""},
    {"objectives-not-object", 3, 17, "objectives: expected object, got array", ""},
    {"teardown-bad", 27, 15, "teardown: 'sometimes' is not one of always, on-success, never", ""},
    {"teardown-close", 27, 15, "teardown: 'on_success' is not one of", "did you mean 'on-success'?"},
    {"resources-empty", 17, 16, "resources: at least one resource is needed", ""},
    {"resources-not-array", 17, 16, "resources: expected array, got object", ""},
    {"resource-not-object", 17, 17, "resources[0]: expected object, got string", ""},
    {"resource-name-long", 19, 15, "resources[0].name: 'rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr' is not a valid name", "1 to 30 letters"},
    {"resource-missing-engine", 18, 5, "missing required key 'engine' in resources[0]", ""},
    {"type-bad", 19, 15, "resources[0].type: 'postgres' is not one of rds, aurora", "'postgres' is an engine: write \"engine\": \"postgres\" and \"type\": \"rds\""},
    {"engine-close", 20, 17, "resources[0].engine: 'aurora-postgres' is not one of", "did you mean 'aurora-postgresql'?"},
    {"engine-type-mismatch", 20, 17, "resources[0].engine: 'aurora-postgresql' does not fit type 'rds'", "postgres or mysql"},
    {"source-kind-mismatch", 21, 17, "resources[0].source: a cluster ARN for a resource of type 'rds'", ":db:NAME"},
    {"source-wrong-account", 21, 17, "resources[0].source: the database is in 333333333333 us-east-1, not the source's 111111111111 us-east-1", ""},
    {"source-not-rds", 21, 17, "resources[0].source: 'arn:aws:s3:::orders' is not an RDS ARN or DB identifier", ""},
    {"source-identifier-bad", 21, 17, "resources[0].source: '1orders' is not an RDS ARN or DB identifier", ""},
    {"path-bad", 20, 15, "resources[0].path: 'snapshots' is not one of backup, snapshot", "did you mean 'snapshot'?"},
    {"copy-not-bool", 20, 15, "resources[0].copy: expected boolean, got string", "true or false"},
    {"select-bad", 20, 37, "resources[0].recovery_point.select: 'newest' is not one of latest, random, dr-vault", ""},
    {"within-days-range", 20, 62, "resources[0].recovery_point.within_days: 0 is out of range", "from 1 to 3650"},
    {"within-days-float", 20, 62, "resources[0].recovery_point.within_days: 1.5 is not a whole number", ""},
    {"within-days-without-random", 20, 47, "resources[0].recovery_point.within_days: only used with select 'random'", ""},
    {"dr-vault-with-copy", 21, 15, "resources[0].copy: select 'dr-vault' restores a copy already in the target vault", ""},
    {"dr-vault-snapshot", 21, 37, "resources[0].recovery_point.select: 'dr-vault' needs path 'backup'", ""},
    {"dr-vault-needs-target-vault", 19, 37, "resources[0].recovery_point.select: 'dr-vault' needs target.vault", ""},
    {"backup-needs-source-vault", 17, 5, "resources[0]: path 'backup' needs source.vault", "\"path\": \"snapshot\""},
    {"backup-needs-source-vault-at-path", 19, 15, "resources[0]: path 'backup' needs source.vault", ""},
    {"copy-needs-target-vault", 19, 15, "resources[0]: copying a recovery point needs target.vault", ""},
    {"staging-vault-needed", 18, 5, "resources[0]: copying from account 111111111111 in us-east-1 to account 222222222222 in us-west-2 needs target.staging_vault", "a vault of account 222222222222 in us-east-1"},
    {"instance-class-bad", 20, 38, "resources[0].restore.instance_class: 'r6g.large' is not a DB instance class", ""},
    {"restore-unknown-key", 20, 20, "unknown key 'instance-class' in resources[0].restore", "did you mean 'instance_class'?"},
    {"login-password-both", 20, 41, "resources[0].login: password_env and password_file exclude each other", ""},
    {"login-password-env-bad", 20, 34, "resources[0].login.password_env: '1PASSWORD' is not an environment variable name", ""},
    {"login-tls-close", 20, 25, "resources[0].login.tls: 'verify_full' is not one of prefer, require, verify-full, disable", "did you mean 'verify-full'?"},
    {"login-ca-bundle-without-verify-full", 20, 36, "resources[0].login.ca_bundle: only used with tls 'verify-full'", ""},
    {"probes-not-array", 22, 17, "resources[0].probes: expected array, got object", ""},
    {"probe-kind-close", 23, 19, "resources[0].probes[0].kind: 'tabels' is not one of", "did you mean 'tables'?"},
    {"probe-missing-kind", 23, 9, "missing required key 'kind' in resources[0].probes[0]", ""},
    {"probe-unknown-key-no-kind", 23, 11, "unknown key 'knd' in resources[0].probes[0]", "did you mean 'kind'?"},
    {"probe-key-of-other-kind", 23, 80, "resources[0].probes[0]: key 'manifest' does not apply to a sql probe", "a sql probe takes: kind, name, timeout, query, expect"},
    {"probe-unknown-key", 23, 26, "unknown key 'qurey' in resources[0].probes[0]", "did you mean 'query'?"},
    {"probe-timeout-bad", 23, 62, "resources[0].probes[0].timeout: '1 minute' is not a duration", ""},
    {"probe-name-bad", 23, 37, "resources[0].probes[0].name: 'row counts' is not a valid name", ""},
    {"sql-missing-query", 23, 9, "missing required key 'query' in resources[0].probes[0]", ""},
    {"sql-missing-expect", 23, 9, "missing required key 'expect' in resources[0].probes[0]", "\"op\": \"equals\""},
    {"sql-missing-value", 23, 57, "missing required key 'value' in resources[0].probes[0].expect", ""},
    {"sql-value-with-non-empty", 23, 78, "resources[0].probes[0].expect.value: op 'non-empty' takes no value", ""},
    {"sql-value-number", 23, 84, "resources[0].probes[0].expect.value: expected string, got number", "\"1000\""},
    {"sql-ge-not-number", 23, 80, "resources[0].probes[0].expect.value: 'many' is not a number (op '>=' compares numbers)", ""},
    {"sql-le-hex", 23, 80, "resources[0].probes[0].expect.value: '0x10' is not a number (op '<=' compares numbers)", "in quotes"},
    {"sql-regex-bad", 23, 83, "resources[0].probes[0].expect.value: invalid regular expression", ""},
    {"sql-op-bad", 23, 65, "resources[0].probes[0].expect.op: '==' is not one of equals, >=, <=, regex, non-empty", "did you mean 'equals'?"},
    {"sql-query-empty", 23, 35, "resources[0].probes[0].query: must not be empty", ""},
    {"schema-missing-manifest", 23, 9, "missing required key 'manifest' in resources[0].probes[0]", ""},
    {"tables-missing", 23, 9, "missing required key 'tables' in resources[0].probes[0]", ""},
    {"tables-empty", 23, 39, "resources[0].probes[0].tables: the list is empty", ""},
    {"tables-name-bad", 23, 50, "resources[0].probes[0].tables[1]: 'orders; drop table x' is not a table name", ""},
    {"tables-object-name-bad", 23, 50, "resources[0].probes[0].tables[0].name: 'a.b.c' is not a table name", ""},
    {"tables-min-rows-negative", 23, 72, "resources[0].probes[0].tables[0].min_rows: -1 is out of range", "from 0 to 1000000000000"},
    {"tables-object-unknown-key", 23, 60, "unknown key 'rows' in resources[0].probes[0].tables[0]", ""},
    {"tables-entry-number", 23, 40, "resources[0].probes[0].tables[0]: expected string or object, got number", ""},
    {"checksum-tables-object", 23, 64, "resources[0].probes[0].tables[0]: expected string (a table name), got object", ""},
    {"integrity-tables-empty", 23, 42, "resources[0].probes[0].tables: the list is empty", "leave \"tables\" out"},
    {"canary-column-bad", 23, 39, "resources[0].probes[0].column: 'a.b' is not a column name", ""},
    {"probe-dup-names", 24, 40, "resources[0].probes[1]: probe name 'rows' is taken by probes[0]", ""},
    {"probe-dup-default-name", 25, 40, "resources[0].probes[2]: probe name 'tables-2' is taken by probes[1]", ""},
    {"resource-dup-names", 26, 5, "resources[1]: resource name 'orders' is taken by resources[0]", "its own \"name\""},
    {"backup-no-copy-other-account", 20, 15, "resources[0].copy: false, but the recovery points are in account 111111111111 in us-east-1 and the restore is in account 222222222222 in us-east-1", "only in its own account and Region"},
    {"snapshot-no-copy-other-region", 21, 15, "resources[0].copy: false, but a snapshot shared in us-east-1 cannot be restored in us-west-2", "set \"copy\": true"},
    {"drill-not-object", 2, 12, "drill: expected object, got string", ""},
    {"description-not-string", 2, 51, "drill.description: expected string, got array", ""},
    {"drill-name-long-unicode", 2, 22, "drill.name: 'üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü...' is not a valid name", ""},
    {"teardown-not-string", 27, 15, "teardown: expected string, got number", "use one of: always, on-success, never"},
    {"within-days-string", 20, 62, "resources[0].recovery_point.within_days: expected integer, got string", "without quotes"},
    {"engine-type-mismatch-aurora", 20, 17, "resources[0].engine: 'postgres' does not fit type 'aurora'", "aurora-postgresql or aurora-mysql"},
    {"tables-index-after-missing", 23, 59, "resources[0].probes[0].tables[1]: '1x' is not a table name", ""},
    {"tables-object-missing-name", 23, 40, "missing required key 'name' in resources[0].probes[0].tables[0]", ""},
    {"tables-object-min-rows-and-name-bad", 23, 50, "resources[0].probes[0].tables[0].name: '1x' is not a table name", ""},
    {"type-close", 19, 15, "resources[0].type: 'ec3' is not one of rds, aurora, efs, s3, ec2", "did you mean 'ec2'?"},
    {"subnet-bad", 13, 17, "target.isolation.subnet: 'subnet-xyz' is not a subnet id", "subnet-0123456789abcdef0"},
    {"aurora-probe-http", 23, 19, "resources[0].probes[0].kind: a 'http' probe does not apply to an aurora resource", "aurora probes: sql, tables, schema, checksum, canary, integrity"},
    {"aurora-needs-db-subnet-group", 12, 18, "missing required key 'db_subnet_group' in target.isolation", "resources[0] (aurora) restores into it"},
    {"aurora-restore-instance-type", 20, 20, "resources[0].restore: key 'instance_type' does not apply to an rds or aurora resource", "an rds or aurora resource's restore takes: instance_class"},
    {"aurora-image-refused", 20, 7, "resources[0]: key 'image' does not apply to an aurora resource", "an aurora resource takes: name, type, engine, source"},
    {"aurora-path-tag", 20, 15, "resources[0].path: 'tag' does not apply to an aurora resource", "\"tag\" finds an AMI (ec2)"},
    {"efs-source-bad", 20, 17, "resources[0].source: 'fs-XYZ' is not an EFS file system id or ARN", "fs-0123456789abcdef0"},
    {"efs-source-rds-arn", 20, 17, "resources[0].source: 'arn:aws:rds:us-east-1:111111111111:cluster:orders' is not an EFS file system id or ARN", ""},
    {"efs-arn-wrong-account", 20, 17, "resources[0].source: the file system is in 333333333333 us-east-1, not the source's 111111111111 us-east-1", ""},
    {"efs-engine-refused", 20, 7, "resources[0]: key 'engine' does not apply to an efs resource", "only rds and aurora resources have an engine"},
    {"efs-login-refused", 20, 7, "resources[0]: key 'login' does not apply to an efs resource", "only rds and aurora resources are logged in to"},
    {"efs-path-snapshot", 20, 15, "resources[0].path: 'snapshot' does not apply to an efs resource", "\"backup\" (the default)"},
    {"efs-missing-restore", 18, 5, "missing required key 'restore' in resources[0]", "a fixture script plays the mount"},
    {"efs-missing-mount", 21, 18, "missing required key 'mount' in resources[0].restore", "\"point\": \"/mnt/drh\""},
    {"efs-mount-point-relative", 23, 20, "resources[0].restore.mount.point: 'mnt/drh/efs' is not an absolute folder", "/mnt/drh/efs"},
    {"efs-mount-missing-unmount", 22, 18, "missing required key 'unmount' in resources[0].restore.mount", "umount {mount_point}"},
    {"efs-mount-placeholder", 24, 20, "resources[0].restore.mount.mount: unknown placeholder '{mountpoint}'", "did you mean '{mount_point}'?"},
    {"efs-mount-placeholder-far", 24, 20, "resources[0].restore.mount.mount: unknown placeholder '{zone}'", "the placeholders are {file_system_id}, {mount_point}, {region}, {mount_target_ip}"},
    {"efs-mount-timeout-bad", 25, 22, "resources[0].restore.mount.timeout: '2 minutes' is not a duration", ""},
    {"efs-into-bad", 22, 17, "resources[0].restore.into: 'old' is not one of new, existing", ""},
    {"efs-existing-needs-fs", 21, 18, "missing required key 'file_system' in resources[0].restore", "\"file_system\": \"fs-0123456789abcdef0\""},
    {"efs-fs-bad", 23, 24, "resources[0].restore.file_system: 'fs-1' is not an EFS file system id", ""},
    {"efs-fs-without-existing", 22, 9, "resources[0].restore.file_system: only used with into 'existing'", "set \"into\": \"existing\""},
    {"efs-restore-instance-class", 22, 9, "resources[0].restore: key 'instance_class' does not apply to an efs resource", "an efs resource's restore takes: into, file_system, mount"},
    {"efs-restore-unknown-key", 22, 9, "unknown key 'int' in resources[0].restore", "did you mean 'into'?"},
    {"efs-probe-http", 29, 19, "resources[0].probes[0].kind: a 'http' probe does not apply to an efs resource", "efs probes: manifest, files, canary"},
    {"efs-canary-table", 29, 29, "resources[0].probes[0]: key 'table' does not apply to a canary probe of an efs resource", "a canary probe of an efs resource takes: kind, name, timeout, file"},
    {"efs-canary-file-absolute", 29, 37, "resources[0].probes[0].file: '/etc/passwd' is not a path inside the restored tree", "\".drh-canary\""},
    {"efs-files-path-dotdot", 29, 52, "resources[0].probes[0].paths[1]: 'data/../../x' is not a path inside the restored tree", "without \"..\""},
    {"efs-files-paths-empty", 29, 37, "resources[0].probes[0].paths: the list is empty", "leave \"paths\" out"},
    {"efs-files-path-number", 29, 38, "resources[0].probes[0].paths[0]: expected string, got number", ""},
    {"efs-files-min-negative", 29, 41, "resources[0].probes[0].min_files: -1 is out of range", "from 0 to"},
    {"efs-files-max-age-bad", 29, 39, "resources[0].probes[0].max_age: 'old' is not a duration", ""},
    {"efs-files-key-of-http", 29, 28, "resources[0].probes[0]: key 'port' does not apply to a files probe", "a files probe takes: kind, name, timeout, paths, min_files, max_age"},
    {"efs-manifest-missing", 29, 9, "missing required key 'manifest' in resources[0].probes[0]", "manifests/files.json"},
    {"efs-needs-subnet", 12, 18, "missing required key 'subnet' in target.isolation", "resources[0] (efs) runs there"},
    {"efs-needs-sgs", 12, 18, "missing required key 'security_groups' in target.isolation", "they isolate resources[0] (efs)"},
    {"efs-needs-isolation", 8, 13, "missing required key 'isolation' in target", "\"subnet\" for ec2 and efs"},
    {"efs-needs-source-vault", 17, 5, "resources[0]: path 'backup' needs source.vault", ""},
    {"efs-copy-needs-target-vault", 19, 15, "resources[0]: copying a recovery point needs target.vault", ""},
    {"efs-dr-vault-needs-target-vault", 19, 37, "resources[0].recovery_point.select: 'dr-vault' needs target.vault", ""},
    {"efs-no-copy-other-account", 20, 15, "resources[0].copy: false, but the recovery points are in account 111111111111", ""},
    {"s3-source-bad", 16, 17, "resources[0].source: 'Orders_Bucket' is not an S3 bucket name or ARN", "3 to 63 lowercase letters"},
    {"s3-source-dot-end", 16, 17, "resources[0].source: 'orders.' is not an S3 bucket name or ARN", ""},
    {"s3-missing-replica", 14, 5, "missing required key 'replica' in resources[0]", "\"replica\": {\"bucket\": \"BUCKET\"}"},
    {"s3-replica-missing-bucket", 17, 18, "missing required key 'bucket' in resources[0].replica", ""},
    {"s3-replica-bucket-bad", 17, 30, "resources[0].replica.bucket: '-replica' is not an S3 bucket name", ""},
    {"s3-replica-role-bad", 17, 60, "resources[0].replica.role_arn: 's3-replication' is not an IAM role ARN", ""},
    {"s3-replica-is-source", 17, 30, "resources[0].replica.bucket: 'orders.example.com' is the source bucket itself", ""},
    {"s3-probes-refused", 16, 7, "resources[0]: key 'probes' does not apply to an s3 resource", "an s3 resource's checks are built in"},
    {"s3-path-refused", 16, 7, "resources[0]: key 'path' does not apply to an s3 resource", "remove \"path\""},
    {"s3-recovery-point-refused", 16, 7, "resources[0]: key 'recovery_point' does not apply to an s3 resource", ""},
    {"s3-image-refused", 16, 7, "resources[0]: key 'image' does not apply to an s3 resource", "an s3 resource takes: name, type, source, replica, posture, live, compare, restore"},
    {"s3-lifecycle-close", 16, 33, "resources[0].posture.lifecycle: 'sources' is not one of none, source, replica, both", "did you mean 'source'?"},
    {"s3-posture-unknown-key", 16, 20, "unknown key 'lifecycles' in resources[0].posture", "did you mean 'lifecycle'?"},
    {"s3-live-max-lag-bad", 16, 28, "resources[0].live.max_lag: expected a duration string, got number", ""},
    {"s3-live-canary-not-bool", 16, 27, "resources[0].live.canary: expected boolean, got string", ""},
    {"s3-compare-prefix-number", 16, 30, "resources[0].compare.prefix: expected string, got number", "or \"\" for every key"},
    {"s3-restore-at-bad", 16, 26, "resources[0].restore.at: 'yesterday' is neither a time nor a duration", "\"2026-11-21T10:00:00Z\""},
    {"s3-restore-at-no-zone", 16, 26, "resources[0].restore.at: '2026-11-21T10:00:00' is neither a time nor a duration", ""},
    {"s3-restore-instance-type", 16, 20, "resources[0].restore: key 'instance_type' does not apply to an s3 resource", "an s3 resource's restore takes: prefix, at"},
    {"ec2-source-bad", 20, 17, "resources[0].source: 'i-XYZ' is not an EC2 instance id or ARN", "i-0123456789abcdef0"},
    {"ec2-arn-wrong-region", 20, 17, "resources[0].source: the instance is in 111111111111 us-west-2, not the source's 111111111111 us-east-1", ""},
    {"ec2-tag-needs-image", 18, 5, "missing required key 'image' in resources[0]", "\"image\": {\"tag\": {\"key\": \"drh-dr\""},
    {"ec2-image-without-tag-path", 20, 7, "resources[0].image: only used with path 'tag'", "set \"path\": \"tag\""},
    {"ec2-image-tag-missing-value", 21, 25, "missing required key 'value' in resources[0].image.tag", ""},
    {"ec2-tag-key-aws", 21, 34, "resources[0].image.tag.key: 'aws:backup' is not a tag key", "not starting with aws:"},
    {"ec2-dr-vault", 20, 37, "resources[0].recovery_point.select: 'dr-vault' does not apply to an ec2 resource", "CopyImage"},
    {"ec2-path-snapshot", 20, 15, "resources[0].path: 'snapshot' does not apply to an ec2 resource", "(\"tag\")"},
    {"ec2-instance-type-bad", 20, 37, "resources[0].restore.instance_type: 't3micro' is not an EC2 instance type", "t3.micro"},
    {"ec2-restore-instance-class", 20, 20, "resources[0].restore: key 'instance_class' does not apply to an ec2 resource", "an ec2 resource's restore takes: instance_type"},
    {"ec2-tunnel-placeholder", 20, 28, "resources[0].reach.tunnel: unknown placeholder '{instanceid}'", "did you mean '{instance_id}'?"},
    {"ec2-reach-missing-tunnel", 20, 16, "missing required key 'tunnel' in resources[0].reach", ""},
    {"ec2-login-refused", 20, 7, "resources[0]: key 'login' does not apply to an ec2 resource", "only rds and aurora resources are logged in to"},
    {"ec2-probe-sql", 22, 19, "resources[0].probes[0].kind: a 'sql' probe does not apply to an ec2 resource", "ec2 probes: http, tcp, status"},
    {"ec2-http-port-range", 22, 35, "resources[0].probes[0].port: 70000 is out of range", "from 1 to 65535"},
    {"ec2-http-path-bad", 22, 35, "resources[0].probes[0].path: 'health' is not a URL path", "\"/health\""},
    {"ec2-http-status-range", 22, 37, "resources[0].probes[0].status: 99 is out of range", "from 100 to 599"},
    {"ec2-http-body-bad", 22, 35, "resources[0].probes[0].body: invalid regular expression", "POSIX extended"},
    {"ec2-tcp-missing-port", 22, 9, "missing required key 'port' in resources[0].probes[0]", "\"port\": 443"},
    {"ec2-status-extra-key", 22, 29, "resources[0].probes[0]: key 'port' does not apply to a status probe", "a status probe takes: kind, name, timeout"},
    {"ec2-probe-dup-default-name", 24, 46, "resources[0].probes[2]: probe name 'http-1' is taken by probes[0]", ""},
    {"ec2-needs-subnet", 12, 18, "missing required key 'subnet' in target.isolation", "resources[0] (ec2) runs there"},
    {"ec2-no-copy-other-region", 20, 15, "resources[0].copy: false, but an AMI in us-east-1 cannot be launched in us-west-2", "CopyImage"},
    {"ec2-needs-source-vault", 17, 5, "resources[0]: path 'backup' needs source.vault", "\"path\": \"tag\""},
    {"ec2-tier-missing-before-conflict", 11, 18, "missing required key 'subnet' in target.isolation", ""},
    {"create-no-allow-from", 12, 30, "missing required key 'allow_from' in target.isolation.create", "\"allow_from\": \"10.20.0.0/16\""},
    {"create-allow-from-bad", 12, 46, "target.isolation.create.allow_from: '10.20.0.1/16' is not an IPv4 CIDR", "without host bits"},
    {"create-vpc-cidr-small", 12, 72, "target.isolation.create.vpc_cidr: '10.213.0.0/26' is not an IPv4 CIDR from /16 to /23", "two /24 subnets"},
    {"create-with-named", 12, 62, "target.isolation.db_subnet_group: not used with \"create\"", "remove \"db_subnet_group\""},
    {"create-string", 12, 18, "target.isolation: 'create' is not an object", "{\"create\": {\"allow_from\": \"10.20.0.0/16\"}}"},
    {"production-target", 9, 16, "target.account: 111111111111 is the source's (production) account", "\"allow_production\": true"},
    {"allow-production-type", 12, 25, "target.allow_production: expected", ""},
    {"pitr-other-account", 20, 15, "resources[0].path: 'pitr' restores in the source's account and region (111111111111 us-east-1), not the target's 222222222222 us-east-1", "allow_production"},
    {"pitr-with-copy", 22, 7, "resources[0].copy: not used with path 'pitr'", "continuous backup"},
    {"pitr-without-path", 21, 7, "resources[0].pitr: only used with path 'pitr'", "\"path\": \"pitr\""},
    {"pitr-at-bad", 22, 23, "resources[0].pitr.at: 'yesterday' is neither a time nor a duration", "2026-11-21T10:00:00Z"},
    {"pitr-at-and-latest", 22, 30, "resources[0].pitr: give \"at\" or \"latest\", not both", ""},
    {"pitr-efs", 20, 15, "resources[0].path: 'pitr' does not apply to an efs resource", ""},
    {"after-unknown", 30, 17, "resources[1].after[0]: no resource is named 'dbx'", "an earlier resource"},
    {"after-later", 20, 17, "resources[0].after[0]: 'app' comes later in the drill (resources[1])", "move 'app' before 'db'"},
    {"after-self", 30, 23, "resources[1].after[1]: a resource cannot run after itself", ""},
    {"after-not-list", 30, 16, "resources[1].after: expected array, got string", ""},
    {"template-not-after", 32, 41, "resources[1].probes[0]: {db.endpoint} names 'db', which is not in \"after\"", "add \"after\": [\"db\"]"},
    {"template-unknown-output", 32, 41, "resources[1].probes[0]: {db.password}: an aurora resource has no output 'password'", "endpoint, port, identifier"},
    {"check-probe-sql", 32, 19, "resources[1].probes[0].kind: a 'sql' probe does not apply to a check resource", "command, http (with a url)"},
    {"check-http-url-bad", 32, 34, "resources[1].probes[0].url: 'ftp://x' is not an http:// URL", "plain HTTP"},
    {"check-http-port", 32, 59, "unknown key 'port' in resources[1].probes[0]", ""},
    {"check-command-output-bad", 32, 82, "resources[1].probes[0].output: invalid regular expression", "POSIX extended"},
    {"check-no-probes", 31, 17, "resources[1].probes: a check needs a probe", "\"kind\": \"command\""},
    {"check-source", 29, 7, "resources[1]: key 'source' does not apply to a check resource", "a check resource takes: name, type, probes, after"},
    {"posture-unknown-key", 17, 39, "unknown key 'plans' in posture", "did you mean 'plan'?"},
    {"posture-retention-hours", 17, 81, "posture.rules[0].retention: a retention is a whole number of days", "\"2555d\""},
    {"posture-rule-no-retention", 17, 49, "missing required key 'retention' in posture.rules[0]", "\"retention\": \"7d\""},
    {"posture-copy-account", 17, 63, "posture.copies[0].account: '2222' is not an AWS account id", "12 digits"},
    {"posture-resource-not-arn", 17, 53, "posture.resources[0]: 'fs-1234' is not an ARN", "by its ARN"},
    {"schedule-bad-day", 17, 45, "schedule.expression: day-of-week field 'MOX' is not a day (SUN-SAT or 1-7)", "MON-FRI"},
    {"schedule-both-days", 17, 45, "schedule.expression:", "?"},
    {"schedule-rate-plural", 17, 39, "schedule.expression:", "rate(1 day)"},
    {"schedule-feb-30", 17, 31, "schedule.expression:", ""},
    {"schedule-unknown-zone", 17, 66, "schedule.timezone:", "Europe/Berlin"},
    {"schedule-no-expression", 17, 15, "missing required key 'expression' in schedule", "cron(0 2 ? * SUN *)"},
    {"schedule-window", 17, 99, "schedule.start_window:", ""},
    {"schedule-start-duration", 17, 92, "schedule.start: a schedule starts at a time, not a duration", "2026-01-01T00:00:00Z"},
    {"notify-on", 17, 21, "notify.on: 'failures' is not one of failure, always", "did you mean 'failure'?"},
    {"notify-nothing", 17, 13, "notify: neither 'sns' nor 'webhook' given", "url_env"},
    {"notify-topic-not-sns", 17, 54, "notify.sns.topic_arn: 'arn:aws:sqs:us-east-1:111111111111:q' is not an SNS topic ARN", "arn:aws:sns:"},
    {"notify-webhook-both", 17, 87, "notify.webhook: 'url' and 'url_env' both given", "url_env"},
    {"notify-webhook-not-url", 17, 52, "notify.webhook.url: not an http:// or https:// URL", "url_env"},
    {"timeouts-not-duration", 17, 43, "timeouts.restore: 'soon' is not a duration", ""},
    {"timeouts-unknown-step", 17, 32, "unknown key 'probe' in timeouts", "drill, copy, restore"},
    {"timeouts-zero", 17, 26, "timeouts.drill: '0s' is not a duration", ""},
    {"canary-without-probe", 20, 7, "resources[0].canary: no canary probe reads the canaries back", "\"kind\": \"canary\""},
    {"canary-mount-on-db", 20, 19, "resources[0].canary: key 'mount' does not apply to aurora", "endpoint"},
    {"canary-efs-no-mount", 20, 17, "missing required key 'mount' in resources[0].canary", "/mnt/orders-efs"},
    {"canary-keep-one", 20, 27, "resources[0].canary.keep:", ""},
    {"canary-on-ec2", 20, 7, "resources[0]: key 'canary' does not apply to an ec2 resource", "rds, aurora, efs and s3"},
};
/* clang-format on */

static void test_bad_files(void)
{
    size_t listed = 0;
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0]; i++) {
        const struct bad_case *b = &s_bad[i];
        char path[256], prefix[300];
        struct drh_err err;
        struct drill *d = NULL;
        drh_err_clear(&err);
        snprintf(path, sizeof path, BAD_DIR "%s.json", b->name);
        snprintf(prefix, sizeof prefix, "%s:%d:%d: ", path, b->line, b->col);
        enum drh_status st = drill_load(path, &d, &err);
        if (st != DRH_E_INPUT || d) {
            TEST_FAILF("%s: loaded (status %d), expected an error", b->name, (int)st);
            drill_free(d);
            continue;
        }
        if (err.code != DRH_E_INPUT)
            TEST_FAILF("%s: code %d, expected DRH_E_INPUT", b->name, (int)err.code);
        if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
            TEST_FAILF("%s: message '%s' does not start with '%s'", b->name, err.msg, prefix);
        else if (!strstr(err.msg + strlen(prefix), b->fragment))
            TEST_FAILF("%s: message '%s' lacks '%s'", b->name, err.msg, b->fragment);
        if (!err.hint[0] || !strstr(err.hint, b->hint))
            TEST_FAILF("%s: hint '%s' lacks '%s'", b->name, err.hint, b->hint);
        if (strpbrk(err.msg, "\r\n") || strpbrk(err.hint, "\r\n"))
            TEST_FAILF("%s: message or hint spans lines", b->name);
    }
    /* Every file in the folder has its row, so none is left untested. */
    DIR *dir = opendir(BAD_DIR);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        listed++;
        bool found = false;
        for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0] && !found; i++)
            found = strncmp(s_bad[i].name, e->d_name, n - 5) == 0 && !s_bad[i].name[n - 5];
        if (!found)
            TEST_FAILF("%s%s has no row in the table", BAD_DIR, e->d_name);
    }
    closedir(dir);
    CU_ASSERT_EQUAL(listed, sizeof s_bad / sizeof s_bad[0]);
}

/* The external id is not echoed in messages. */
static void test_external_id_not_echoed(void)
{
    struct drh_err err;
    struct drill *d = NULL;
    CU_ASSERT_EQUAL(drill_load(BAD_DIR "external-id-bad.json", &d, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NULL(strstr(err.msg, "a b c"));
    CU_ASSERT_PTR_NULL(strstr(err.hint, "a b c"));
}

static struct drill *s_load(const char *path)
{
    struct drh_err err;
    struct drill *d = NULL;
    drh_err_clear(&err);
    if (drill_load(path, &d, &err) != DRH_OK) {
        TEST_FAILF("%s: %s (hint: %s)", path, err.msg, err.hint);
        return NULL;
    }
    return d;
}

static void test_good_minimal(void)
{
    struct drill *d = s_load(GOOD_DIR "minimal.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_STRING_EQUAL(d->path, GOOD_DIR "minimal.json");
    CU_ASSERT_STRING_EQUAL(d->dir, "tests/data/drills/good");
    CU_ASSERT_STRING_EQUAL(d->name, "unit-drill");
    CU_ASSERT_STRING_EQUAL(d->description, "");
    CU_ASSERT_STRING_EQUAL(d->owner, "");
    CU_ASSERT_EQUAL(d->rto, DRILL_DEFAULT_RTO);
    CU_ASSERT_EQUAL(d->rpo, DRILL_DEFAULT_RPO);
    /* timeouts: the drill's is the RTO; steps 6h, 6h, 2h; teardown 1h */
    CU_ASSERT_EQUAL(d->timeouts.drill, DRILL_DEFAULT_RTO);
    CU_ASSERT_EQUAL(d->timeouts.copy, 6 * 3600);
    CU_ASSERT_EQUAL(d->timeouts.restore, 6 * 3600);
    CU_ASSERT_EQUAL(d->timeouts.available, 2 * 3600);
    CU_ASSERT_EQUAL(d->timeouts.teardown, 3600);
    CU_ASSERT_STRING_EQUAL(d->source.account, "111111111111");
    CU_ASSERT_STRING_EQUAL(d->source.region, "us-east-1");
    CU_ASSERT_PTR_NULL(d->source.profile);
    CU_ASSERT_PTR_NULL(d->source.role_arn);
    CU_ASSERT_PTR_NULL(d->source.external_id);
    CU_ASSERT_STRING_EQUAL(d->source.vault, "prod-vault");
    CU_ASSERT_PTR_NULL(d->source.staging_vault);
    CU_ASSERT_PTR_NULL(d->source.kms_key);
    CU_ASSERT_STRING_EQUAL(
        d->source.backup_role_arn,
        "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole");
    CU_ASSERT_STRING_EQUAL(
        d->target.backup_role_arn,
        "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole");
    CU_ASSERT_STRING_EQUAL(d->target.vault, "dr-vault");
    CU_ASSERT_FALSE(d->isolation.create);
    CU_ASSERT_STRING_EQUAL(d->isolation.db_subnet_group, "drh-isolated");
    CU_ASSERT_EQUAL_FATAL(d->isolation.n_security_groups, 1);
    CU_ASSERT_STRING_EQUAL(d->isolation.security_groups[0], "sg-0drh0isolated0001");
    CU_ASSERT_EQUAL_FATAL(d->n_resources, 1);
    const struct drill_resource *r = &d->resources[0];
    CU_ASSERT_STRING_EQUAL(r->name, "orders"); /* from the source ARN */
    CU_ASSERT_EQUAL(r->type, DRILL_AURORA);
    CU_ASSERT_EQUAL(r->engine, DRILL_AURORA_POSTGRESQL);
    CU_ASSERT_STRING_EQUAL(r->source, "arn:aws:rds:us-east-1:111111111111:cluster:orders");
    CU_ASSERT_EQUAL(r->path, DRILL_PATH_BACKUP);
    CU_ASSERT_EQUAL(r->select, DRILL_SELECT_LATEST);
    CU_ASSERT_EQUAL(r->within_days, 7);
    CU_ASSERT_TRUE(r->copy);
    CU_ASSERT_PTR_NULL(r->instance_class);
    CU_ASSERT_PTR_NULL(r->login.database);
    CU_ASSERT_PTR_NULL(r->login.user);
    CU_ASSERT_PTR_NULL(r->login.password_env);
    CU_ASSERT_PTR_NULL(r->login.password_file);
    CU_ASSERT_EQUAL(r->login.tls, DRILL_TLS_PREFER);
    CU_ASSERT_PTR_NULL(r->login.ca_bundle);
    CU_ASSERT_EQUAL_FATAL(r->n_probes, 1);
    CU_ASSERT_STRING_EQUAL(r->probes[0].name, "tables");
    CU_ASSERT_EQUAL(r->probes[0].kind, PROBE_TABLES);
    CU_ASSERT_EQUAL(r->probes[0].timeout, 60);
    CU_ASSERT_EQUAL_FATAL(r->probes[0].n_tables, 1);
    CU_ASSERT_STRING_EQUAL(r->probes[0].tables[0].name, "orders");
    CU_ASSERT_EQUAL(r->probes[0].tables[0].min_rows, 1);
    CU_ASSERT_EQUAL(d->teardown, DRILL_TEARDOWN_ALWAYS);
    CU_ASSERT_PTR_NULL(d->junit);
    CU_ASSERT_PTR_NULL(d->evidence);
    drill_free(d);
}

static void test_good_full(void)
{
    struct drill *d = s_load(GOOD_DIR "full.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_STRING_EQUAL(d->name, "full-drill");
    CU_ASSERT_EQUAL(d->timeouts.drill, 3 * 3600);
    CU_ASSERT_EQUAL(d->timeouts.copy, 2 * 3600);
    CU_ASSERT_EQUAL(d->timeouts.restore, 90 * 60);
    CU_ASSERT_EQUAL(d->timeouts.available, 20 * 60);
    CU_ASSERT_EQUAL(d->timeouts.teardown, 45 * 60);
    CU_ASSERT_STRING_EQUAL(d->description, "Every key set");
    CU_ASSERT_STRING_EQUAL(d->owner, "sre@example.com");
    CU_ASSERT_EQUAL(d->rto, 5400);
    CU_ASSERT_EQUAL(d->rpo, 2 * 86400);
    CU_ASSERT_STRING_EQUAL(d->source.profile, "production");
    CU_ASSERT_STRING_EQUAL(d->source.role_arn, "arn:aws:iam::111111111111:role/ops/DrhReader");
    CU_ASSERT_STRING_EQUAL(d->source.external_id, "prod-ext");
    CU_ASSERT_STRING_EQUAL(d->source.backup_role_arn,
                           "arn:aws:iam::111111111111:role/service-role/CustomBackupRole");
    CU_ASSERT_STRING_EQUAL(d->target.account, "222222222222");
    CU_ASSERT_STRING_EQUAL(d->target.region, "us-west-2");
    CU_ASSERT_STRING_EQUAL(d->target.profile, "dr");
    CU_ASSERT_STRING_EQUAL(d->target.role_arn, "arn:aws:iam::222222222222:role/DrhDrillRole");
    CU_ASSERT_STRING_EQUAL(d->target.external_id, "drh-drill");
    CU_ASSERT_STRING_EQUAL(d->target.staging_vault, "dr-staging");
    CU_ASSERT_STRING_EQUAL(
        d->target.kms_key,
        "arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    CU_ASSERT_STRING_EQUAL(d->isolation.db_subnet_group, "drh isolated.1");
    CU_ASSERT_EQUAL_FATAL(d->isolation.n_security_groups, 2);
    CU_ASSERT_STRING_EQUAL(d->isolation.security_groups[1], "sg-0drh0isolated0001");
    CU_ASSERT_EQUAL(d->teardown, DRILL_TEARDOWN_ON_SUCCESS);
    CU_ASSERT_STRING_EQUAL(d->junit, "reports/full.xml");
    CU_ASSERT_STRING_EQUAL(d->evidence, "reports/evidence");
    CU_ASSERT_EQUAL_FATAL(d->n_resources, 3);

    const struct drill_resource *r = &d->resources[0];
    CU_ASSERT_STRING_EQUAL(r->name, "orders");
    CU_ASSERT_EQUAL(r->select, DRILL_SELECT_RANDOM);
    CU_ASSERT_EQUAL(r->within_days, 14);
    CU_ASSERT_TRUE(r->copy);
    CU_ASSERT_STRING_EQUAL(r->instance_class, "db.serverless");
    CU_ASSERT_STRING_EQUAL(r->login.database, "orders");
    CU_ASSERT_STRING_EQUAL(r->login.user, "drill");
    CU_ASSERT_STRING_EQUAL(r->login.password_env, "ORDERS_PW");
    CU_ASSERT_EQUAL(r->login.tls, DRILL_TLS_VERIFY_FULL);
    CU_ASSERT_STRING_EQUAL(r->login.ca_bundle, "certs/rds-ca.pem");
    CU_ASSERT_EQUAL_FATAL(r->n_probes, 9);
    const struct drill_probe *p = r->probes;
    CU_ASSERT_STRING_EQUAL(p[8].name, "ratio");
    CU_ASSERT_STRING_EQUAL(p[8].expect, "-1.5e-3");
    CU_ASSERT_EQUAL(p[8].op, PROBE_LE);
    CU_ASSERT_STRING_EQUAL(p[0].name, "count");
    CU_ASSERT_EQUAL(p[0].timeout, 300);
    CU_ASSERT_STRING_EQUAL(p[0].query, "select count(*) from orders");
    CU_ASSERT_EQUAL(p[0].op, PROBE_GE);
    CU_ASSERT_STRING_EQUAL(p[0].expect, "1000");
    CU_ASSERT_STRING_EQUAL(p[1].name, "sql-2"); /* numbered among the sql probes */
    CU_ASSERT_EQUAL(p[1].op, PROBE_REGEX);
    CU_ASSERT_STRING_EQUAL(p[1].expect, "^[a-z]+$");
    CU_ASSERT_STRING_EQUAL(p[2].name, "sql-3");
    CU_ASSERT_EQUAL(p[2].op, PROBE_EQUALS);
    CU_ASSERT_STRING_EQUAL(p[2].expect, "");
    CU_ASSERT_STRING_EQUAL(p[3].name, "tables");
    CU_ASSERT_EQUAL_FATAL(p[3].n_tables, 3);
    CU_ASSERT_STRING_EQUAL(p[3].tables[0].name, "orders");
    CU_ASSERT_EQUAL(p[3].tables[0].min_rows, 1);
    CU_ASSERT_STRING_EQUAL(p[3].tables[1].name, "public.customers");
    CU_ASSERT_EQUAL(p[3].tables[1].min_rows, 0);
    CU_ASSERT_EQUAL(p[3].tables[2].min_rows, 1);
    CU_ASSERT_EQUAL(p[4].kind, PROBE_SCHEMA);
    CU_ASSERT_STRING_EQUAL(p[4].manifest, "manifests/orders.json");
    CU_ASSERT_EQUAL(p[5].kind, PROBE_CHECKSUM);
    CU_ASSERT_EQUAL_FATAL(p[5].n_tables, 1);
    CU_ASSERT_EQUAL(p[6].kind, PROBE_CANARY);
    CU_ASSERT_STRING_EQUAL(p[6].canary_table, "drh_canary");
    CU_ASSERT_STRING_EQUAL(p[6].canary_column, "written_at");
    CU_ASSERT_EQUAL(p[7].kind, PROBE_INTEGRITY);
    CU_ASSERT_EQUAL(p[7].n_tables, 0);
    CU_ASSERT_PTR_NULL(p[7].tables);
    CU_ASSERT_PTR_NULL(p[7].expect);
    CU_ASSERT_PTR_NULL(p[7].query);

    char *m = drill_resolve(d, p[4].manifest);
    CU_ASSERT_STRING_EQUAL(m, "tests/data/drills/good/manifests/orders.json");
    free(m);
    m = drill_resolve(d, p[5].manifest);
    CU_ASSERT_STRING_EQUAL(m, "/abs/orders.json");
    free(m);
    CU_ASSERT_PTR_NULL(drill_resolve(d, NULL));

    r = &d->resources[1];
    CU_ASSERT_STRING_EQUAL(r->name, "inventory-db"); /* the identifier itself */
    CU_ASSERT_EQUAL(r->type, DRILL_RDS);
    CU_ASSERT_EQUAL(r->engine, DRILL_MYSQL);
    CU_ASSERT_EQUAL(r->path, DRILL_PATH_SNAPSHOT);
    CU_ASSERT_TRUE(r->copy);
    CU_ASSERT_STRING_EQUAL(r->login.password_file, "secrets/pw");
    CU_ASSERT_EQUAL(r->login.tls, DRILL_TLS_DISABLE);
    CU_ASSERT_EQUAL_FATAL(r->n_probes, 2);
    CU_ASSERT_STRING_EQUAL(r->probes[0].canary_table, "ops.canary");
    CU_ASSERT_STRING_EQUAL(r->probes[0].canary_column, "ts");
    CU_ASSERT_STRING_EQUAL(r->probes[1].tables[0].name, "items");

    r = &d->resources[2];
    /* Cut to 30 characters, without the hyphen the cut left at the end. */
    CU_ASSERT_STRING_EQUAL(r->name, "catalog-legacy-cluster-number");
    CU_ASSERT_EQUAL(r->select, DRILL_SELECT_DR_VAULT);
    CU_ASSERT_FALSE(r->copy); /* the default with dr-vault */
    CU_ASSERT_EQUAL(r->n_probes, 0);
    CU_ASSERT_PTR_NULL(r->probes);
    drill_free(d);
}

/* isolation "create", a cn- region's default role, a drill without a copy. */
static void test_good_variants(void)
{
    struct testenv *t = testenv_new();
    char *path = testenv_write(
        t, "cn.json",
        "{\"drill\": {\"name\": \"cn\"},\n"
        " \"source\": {\"account\": \"123456789012\", \"region\": \"cn-north-1\",\n"
        "            \"vault\": \"v1\"},\n"
        " \"target\": {\"account\": \"123456789012\", \"region\": \"cn-north-1\",\n"
        "            \"vault\": \"v2\", \"allow_production\": true,\n"
        "            \"isolation\": {\"create\": {\"allow_from\": \"10.20.0.0/16\"}},\n"
        "            \"role_arn\": \"arn:aws-cn:iam::123456789012:role/R\",\n"
        "            \"kms_key\": \"mrk-1234567890abcdef1234567890abcdef\"},\n"
        " \"resources\": [{\"type\": \"rds\", \"engine\": \"postgres\", \"source\": \"db1\",\n"
        "                \"copy\": false, \"probes\": []}],\n"
        " \"teardown\": \"never\"}\n",
        0);
    struct drill *d = s_load(path);
    if (d) {
        CU_ASSERT_TRUE(d->isolation.create);
        CU_ASSERT_STRING_EQUAL(d->isolation.allow_from, "10.20.0.0/16");
        CU_ASSERT_STRING_EQUAL(d->isolation.vpc_cidr, "10.213.0.0/16"); /* the default */
        CU_ASSERT_TRUE(d->target.allow_production);
        CU_ASSERT_FALSE(d->posture.present);
        CU_ASSERT_PTR_NULL(d->isolation.db_subnet_group);
        CU_ASSERT_EQUAL(d->isolation.n_security_groups, 0);
        CU_ASSERT_STRING_EQUAL(d->target.backup_role_arn,
                               "arn:aws-cn:iam::123456789012:role/service-role/"
                               "AWSBackupDefaultServiceRole");
        CU_ASSERT_EQUAL(d->resources[0].n_probes, 0);
        CU_ASSERT_FALSE(d->resources[0].copy); /* restored where the backups are */
        CU_ASSERT_EQUAL(d->teardown, DRILL_TEARDOWN_NEVER);
        CU_ASSERT_STRING_EQUAL(d->dir, t->dir);
    }
    drill_free(d);
    free(path);
    testenv_free(t);
}

/* A stack: pitr, after, a check resource and its probes, posture defaults. */
static void test_stack(void)
{
    struct drill *d = s_load(GOOD_DIR "stack.json");
    if (!d)
        return;
    CU_ASSERT_TRUE(d->target.allow_production);
    CU_ASSERT_EQUAL_FATAL(d->n_resources, 3);
    const struct drill_resource *db = &d->resources[0], *fs = &d->resources[1],
                                *app = &d->resources[2];
    CU_ASSERT_EQUAL(db->path, DRILL_PATH_PITR);
    CU_ASSERT_EQUAL(db->pitr.ago, 15 * 60);
    CU_ASSERT_FALSE(db->pitr.latest);
    CU_ASSERT_FALSE(db->copy);
    CU_ASSERT_EQUAL(fs->n_after, 1);
    CU_ASSERT_STRING_EQUAL(fs->after[0], "db");
    CU_ASSERT_EQUAL(app->type, DRILL_CHECK);
    CU_ASSERT_STRING_EQUAL(app->source, "");
    CU_ASSERT_EQUAL_FATAL(app->n_after, 2);
    CU_ASSERT_EQUAL_FATAL(app->n_probes, 2);
    CU_ASSERT_EQUAL(app->probes[0].kind, PROBE_COMMAND);
    CU_ASSERT_STRING_EQUAL(app->probes[0].name, "command");
    CU_ASSERT_STRING_EQUAL(app->probes[0].output_regex, "^ok");
    CU_ASSERT_EQUAL(app->probes[1].kind, PROBE_HTTP);
    CU_ASSERT_STRING_EQUAL(app->probes[1].url, "http://{db.endpoint}:8080/health");
    CU_ASSERT_EQUAL(app->probes[1].http_status, 200);
    CU_ASSERT_TRUE(d->posture.present);
    CU_ASSERT_STRING_EQUAL(d->posture.plan, "orders-plan");
    CU_ASSERT_EQUAL_FATAL(d->posture.n_rules, 3); /* the seed's defaults */
    CU_ASSERT_STRING_EQUAL(d->posture.rules[2].name, "monthly");
    CU_ASSERT_EQUAL(d->posture.rules[2].retention_days, 2555);
    CU_ASSERT_EQUAL(d->posture.n_copies, 0); /* the target is the source */
    CU_ASSERT_FALSE(d->posture.check_copies);
    drill_free(d);
}

/* d->dir for a bare name, doubled slashes, and drill_resolve() there. */
static void test_dir(void)
{
    char cwd[4096];
    struct drill *d = s_load("tests/data/drills//good//minimal.json");
    if (d)
        CU_ASSERT_STRING_EQUAL(d->dir, "tests/data/drills//good");
    drill_free(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
    CU_ASSERT_EQUAL_FATAL(chdir(GOOD_DIR), 0);
    d = s_load("minimal.json");
    CU_ASSERT_EQUAL(chdir(cwd), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_STRING_EQUAL(d->dir, ".");
    char *m = drill_resolve(d, "manifests/m.json");
    CU_ASSERT_STRING_EQUAL(m, "manifests/m.json");
    free(m);
    drill_free(d);
}

static void test_examples(void)
{
    static const char *const expected[] = {"aurora-mysql-dr-vault.json",
                                           "aurora-postgresql-backup-copy.json",
                                           "mysql-backup-cross-region.json",
                                           "postgres-snapshot-share.json",
                                           "efs-new-filesystem.json",
                                           "s3-replication.json",
                                           "ec2-ami.json",
                                           "scenario1-rds-pitr-corruption.json",
                                           "scenario2-efs-accidental-deletion.json",
                                           "scenario3-full-stack.json",
                                           "scenario4-quarterly-test-account.json"};
    size_t loaded = 0;
    DIR *dir = opendir("drills/examples");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char *path = xasprintf("drills/examples/%s", e->d_name);
        struct drill *d = s_load(path);
        loaded += d != NULL;
        drill_free(d);
        free(path);
    }
    closedir(dir);
    CU_ASSERT(loaded >= sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        char *path = xasprintf("drills/examples/%s", expected[i]);
        struct drill *d = s_load(path);
        if (d && strcmp(expected[i], "aurora-mysql-dr-vault.json") == 0) {
            CU_ASSERT_EQUAL(d->resources[0].select, DRILL_SELECT_DR_VAULT);
            CU_ASSERT_FALSE(d->resources[0].copy);
        }
        if (d && strcmp(expected[i], "mysql-backup-cross-region.json") == 0) {
            CU_ASSERT_STRING_EQUAL(d->target.staging_vault, "dr-staging-vault");
            CU_ASSERT_STRING_EQUAL(d->target.region, "us-west-2");
        }
        if (d && strcmp(expected[i], "efs-new-filesystem.json") == 0) {
            CU_ASSERT_EQUAL(d->resources[0].type, DRILL_EFS);
            CU_ASSERT_FALSE(d->resources[0].efs.existing);
            CU_ASSERT_STRING_EQUAL(d->resources[0].efs.mount_cmd,
                                   "fixtures/demo/efs-mount {file_system_id} {mount_point}");
        }
        if (d && strcmp(expected[i], "s3-replication.json") == 0) {
            CU_ASSERT_EQUAL(d->resources[0].type, DRILL_S3);
            CU_ASSERT_EQUAL(d->resources[0].s3.restore_ago, 7200);
            CU_ASSERT_EQUAL(d->isolation.n_security_groups, 0);
        }
        if (d && strcmp(expected[i], "ec2-ami.json") == 0) {
            CU_ASSERT_EQUAL(d->resources[0].path, DRILL_PATH_TAG);
            CU_ASSERT_STRING_EQUAL(d->resources[0].ec2.tunnel,
                                   "fixtures/demo/ec2-tunnel {instance_id} {port}");
        }
        if (d && strcmp(expected[i], "postgres-snapshot-share.json") == 0) {
            CU_ASSERT_EQUAL(d->resources[0].path, DRILL_PATH_SNAPSHOT);
            CU_ASSERT_STRING_EQUAL(d->target.kms_key, "alias/drh-dr-key");
        }
        drill_free(d);
        free(path);
    }
}

static void s_expect_file_error(const char *path, const char *start, const char *fragment)
{
    struct drh_err err;
    struct drill *d = NULL;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(drill_load(path, &d, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_EQUAL(err.code, DRH_E_INPUT);
    if (strncmp(err.msg, start, strlen(start)) != 0 || !strstr(err.msg, fragment))
        TEST_FAILF("%s: '%s', expected '%s...%s'", path, err.msg, start, fragment);
    CU_ASSERT(err.hint[0] != '\0');
}

static void test_file_errors(void)
{
    struct testenv *t = testenv_new();
    s_expect_file_error("tests/data/drills/no-such-file.json",
                        "cannot read drill file 'tests/data/drills/no-such-file.json'",
                        "No such file or directory");
    s_expect_file_error(t->dir, "cannot read drill file", "Is a directory");
    char *empty = testenv_write(t, "empty.json", "  \n", 0);
    char *start = xasprintf("%s:1:1: ", empty);
    s_expect_file_error(empty, start, "invalid JSON: empty document");
    free(start);

    /* Exactly 1 MiB loads; one byte more is refused before parsing. */
    struct buf b;
    buf_init(&b);
    test_read_into(GOOD_DIR "minimal.json", &b);
    while (b.len < 1024 * 1024)
        buf_putc(&b, ' ');
    char *big = testenv_write(t, "big.json", buf_str(&b), 0);
    struct drill *d = s_load(big);
    CU_ASSERT_PTR_NOT_NULL(d);
    drill_free(d);
    buf_putc(&b, '\n');
    char *bigger = testenv_write(t, "bigger.json", buf_str(&b), 0);
    s_expect_file_error(bigger, "drill file '", "is larger than 1 MiB");
    buf_clean_up(&b);

    struct drh_err err;
    CU_ASSERT_EQUAL(drill_load(NULL, &d, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(drill_load("", &d, &err), DRH_E_INPUT);
    drill_free(NULL);
    free(empty);
    free(big);
    free(bigger);
    testenv_free(t);
}

static void test_durations(void)
{
    static const struct {
        const char *text;
        long seconds; /* -1: refused */
    } cases[] = {
        {"90s", 90},          {"30m", 1800},
        {"12h", 43200},       {"7d", 604800},
        {"1h30m", 5400},      {"1d2h3m4s", 93784},
        {"1h0m", 3600},       {"0h5m", 300},
        {"3650d", 315360000}, {"3651d", -1},
        {"87601h", -1},       {"0s", -1},
        {"0h0m", -1},         {"", -1},
        {"12", -1},           {"h", -1},
        {"30m1h", -1},        {"1h1h", -1},
        {"1H", -1},           {" 1h", -1},
        {"1h ", -1},          {"-1h", -1},
        {"+1h", -1},          {"1.5h", -1},
        {"1w", -1},           {"99999999999999999999s", -1},
        {"1h30", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long s = -7;
        bool ok = drill_parse_duration(cases[i].text, &s);
        if (cases[i].seconds < 0 && (ok || s != -7))
            TEST_FAILF("'%s' parsed as %ld, expected a refusal", cases[i].text, s);
        if (cases[i].seconds >= 0 && (!ok || s != cases[i].seconds))
            TEST_FAILF("'%s' -> %d %ld, expected %ld", cases[i].text, ok, s, cases[i].seconds);
    }
    CU_ASSERT_FALSE(drill_parse_duration(NULL, &(long){0}));

    static const struct {
        long seconds;
        const char *text;
    } formats[] = {{45000, "12h30m"},   {0, "0s"},       {90, "1m30s"}, {86400, "1d"},
                   {93784, "1d2h3m4s"}, {-90, "-1m30s"}, {3600, "1h"},  {59, "59s"}};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        char out[32];
        drill_format_duration(formats[i].seconds, out, sizeof out);
        if (strcmp(out, formats[i].text) != 0)
            TEST_FAILF("%ld formatted as '%s', expected '%s'", formats[i].seconds, out,
                       formats[i].text);
        long back;
        if (formats[i].seconds > 0 &&
            (!drill_parse_duration(out, &back) || back != formats[i].seconds))
            TEST_FAILF("'%s' does not parse back to %ld", out, formats[i].seconds);
    }
    char tiny[4];
    drill_format_duration(93784, tiny, sizeof tiny);
    CU_ASSERT(strlen(tiny) < sizeof tiny);
}

static void test_names(void)
{
    CU_ASSERT_STRING_EQUAL(drill_engine_name(DRILL_POSTGRES), "postgres");
    CU_ASSERT_STRING_EQUAL(drill_engine_name(DRILL_MYSQL), "mysql");
    CU_ASSERT_STRING_EQUAL(drill_engine_name(DRILL_AURORA_POSTGRESQL), "aurora-postgresql");
    CU_ASSERT_STRING_EQUAL(drill_engine_name(DRILL_AURORA_MYSQL), "aurora-mysql");
    CU_ASSERT_TRUE(drill_engine_is_postgres(DRILL_POSTGRES));
    CU_ASSERT_TRUE(drill_engine_is_postgres(DRILL_AURORA_POSTGRESQL));
    CU_ASSERT_FALSE(drill_engine_is_postgres(DRILL_MYSQL));
    CU_ASSERT_FALSE(drill_engine_is_postgres(DRILL_AURORA_MYSQL));
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_SQL), "sql");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_TABLES), "tables");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_SCHEMA), "schema");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_CHECKSUM), "checksum");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_CANARY), "canary");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_INTEGRITY), "integrity");
    CU_ASSERT_STRING_EQUAL(drill_teardown_name(DRILL_TEARDOWN_ALWAYS), "always");
    CU_ASSERT_STRING_EQUAL(drill_teardown_name(DRILL_TEARDOWN_ON_SUCCESS), "on-success");
    CU_ASSERT_STRING_EQUAL(drill_teardown_name(DRILL_TEARDOWN_NEVER), "never");
    CU_ASSERT_STRING_EQUAL(drill_resource_type_name(DRILL_RDS), "rds");
    CU_ASSERT_STRING_EQUAL(drill_resource_type_name(DRILL_AURORA), "aurora");
    CU_ASSERT_STRING_EQUAL(drill_path_name(DRILL_PATH_BACKUP), "backup");
    CU_ASSERT_STRING_EQUAL(drill_path_name(DRILL_PATH_SNAPSHOT), "snapshot");
    CU_ASSERT_STRING_EQUAL(drill_select_name(DRILL_SELECT_DR_VAULT), "dr-vault");
    CU_ASSERT_STRING_EQUAL(drill_select_name(DRILL_SELECT_RANDOM), "random");
    CU_ASSERT_STRING_EQUAL(drill_tls_name(DRILL_TLS_VERIFY_FULL), "verify-full");
    CU_ASSERT_STRING_EQUAL(drill_select_name(DRILL_SELECT_LATEST), "latest");
    CU_ASSERT_STRING_EQUAL(drill_tls_name(DRILL_TLS_PREFER), "prefer");
    CU_ASSERT_STRING_EQUAL(drill_tls_name(DRILL_TLS_REQUIRE), "require");
    CU_ASSERT_STRING_EQUAL(drill_tls_name(DRILL_TLS_DISABLE), "disable");
    CU_ASSERT_STRING_EQUAL(probe_op_name(PROBE_EQUALS), "equals");
    CU_ASSERT_STRING_EQUAL(probe_op_name(PROBE_GE), ">=");
    CU_ASSERT_STRING_EQUAL(probe_op_name(PROBE_LE), "<=");
    CU_ASSERT_STRING_EQUAL(probe_op_name(PROBE_REGEX), "regex");
    CU_ASSERT_STRING_EQUAL(probe_op_name(PROBE_NON_EMPTY), "non-empty");
}

static const struct test_case cases[] = {
    {"bad files: position, message and hint", test_bad_files},
    {"the external id is not echoed", test_external_id_not_echoed},
    {"minimal drill: defaults", test_good_minimal},
    {"full drill: every key", test_good_full},
    {"create isolation, cn partition, no copy", test_good_variants},
    {"a stack: pitr, after, check, posture", test_stack},
    {"the drill's folder", test_dir},
    {"every example in drills/examples loads", test_examples},
    {"unreadable, empty, oversized files", test_file_errors},
    {"durations parse and format", test_durations},
    {"enum names", test_names},
};
TEST_SUITE("drill", cases)
