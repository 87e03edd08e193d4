#!/usr/bin/env python3
"""Writes tests/data/drills/bad/*.json and their rows in tests/unit/test_drill.c.

Each case is good/minimal.json (BASE below) with a few replacements; the
character after the mark <@> is where drh must report the error. The mark
is removed from the file and its line and column (in characters, from 1) go
into the table, so the expected positions come from the text and not from
drh. Run it from anywhere after adding or changing a case:

    python3 tests/data/drills/make-bad-cases.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = HERE
TEST = os.path.join(HERE, '..', '..', 'unit', 'test_drill.c')
BASE = '''{
  "drill": { "name": "unit-drill" },
  "source": {
    "account": "111111111111",
    "region": "us-east-1",
    "vault": "prod-vault"
  },
  "target": {
    "account": "222222222222",
    "region": "us-east-1",
    "vault": "dr-vault",
    "isolation": {
      "db_subnet_group": "drh-isolated",
      "security_groups": ["sg-0drh0isolated0001"]
    }
  },
  "resources": [
    {
      "type": "aurora",
      "engine": "aurora-postgresql",
      "source": "arn:aws:rds:us-east-1:111111111111:cluster:orders",
      "probes": [
        { "kind": "tables", "tables": ["orders"] }
      ]
    }
  ]
}
'''
RES = '''    {
      "type": "aurora",
      "engine": "aurora-postgresql",
      "source": "arn:aws:rds:us-east-1:111111111111:cluster:orders",
      "probes": [
        { "kind": "tables", "tables": ["orders"] }
      ]
    }'''
PROBE = '{ "kind": "tables", "tables": ["orders"] }'

def sub(text, *pairs):
    for old, new in pairs:
        assert text.count(old) == 1, (old, text.count(old))
        text = text.replace(old, new)
    return text

def probe(p):
    return sub(BASE, (PROBE, p))

cases = []
def case(name, text, frag, hint=''):
    cases.append((name, text, frag, hint))

B = BASE
case('syntax-trailing-comma', sub(B, ('"vault": "prod-vault"\n  },', '"vault": "prod-vault"<@>,\n  },')),
     "invalid JSON: trailing comma before '}'", 'strict JSON')
case('syntax-trailing-comma-array', sub(B, ('["sg-0drh0isolated0001"]', '["sg-0drh0isolated0001"<@>, ]')), "invalid JSON: trailing comma before ']'")
case('syntax-missing-comma', sub(B, ('"region": "us-east-1",\n    "vault": "prod-vault"', '"region": "us-east-1"\n    <@>"vault": "prod-vault"')),
     "invalid JSON: expected ',' or '}' after a member, found '\"'")
case('syntax-unquoted-key', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": { <@>name: "unit-drill" }')),
     "invalid JSON: expected a key in double quotes, found 'n'")
case('syntax-comment', sub(B, ('"drill": { "name": "unit-drill" },', '"drill": { "name": "unit-drill" },\n  <@>// production first')),
     "invalid JSON: expected a key in double quotes, found '/'")
case('syntax-missing-colon', sub(B, ('"account": "111111111111"', '"account" <@>"111111111111"')), "invalid JSON: expected ':' after the key, found '\"'")
case('syntax-single-quotes', sub(B, ('"region": "us-east-1",\n    "vault": "prod-vault"', "\"region\": <@>'us-east-1',\n    \"vault\": \"prod-vault\"")),
     "invalid JSON: unexpected character '''")
case('syntax-leading-zero', sub(B, ('"drill": { "name": "unit-drill" },', '"drill": { "name": "unit-drill" },\n  "resources_count": <@>01,')), 'invalid JSON: invalid number')
case('syntax-text-after', B.rstrip('\n') + '\n<@>}\n', "invalid JSON: unexpected text after the document: '}'")
case('syntax-truncated', B[:B.index('"resources"')] + '"resources": [<@>', 'invalid JSON: unexpected end of input')
case('syntax-bad-escape', sub(B, ('"name": "unit-drill"', '"name": "unit<@>\\x-drill"')), 'invalid JSON: invalid escape in string')
case('syntax-unterminated', sub(B, ('"name": "unit-drill" },\n', '"name": "unit-drill },<@>\n')), 'invalid JSON: unescaped control character 0x0a in string')
case('duplicate-key', sub(B, ('"region": "us-east-1",\n    "vault": "prod-vault"', '"region": "us-east-1",\n    <@>"region": "us-east-1"')),
     'invalid JSON: duplicate key "region" in $.source')
case('root-array', '<@>[' + B + ']', 'a drill file holds a JSON object, not array')
case('unknown-top-key', sub(B, ('"source": {', '<@>"sources": {')), "unknown top-level key 'sources'", "did you mean 'source'?")
case('unknown-key-close', sub(B, ('"account": "222222222222"', '<@>"acount": "222222222222"')), "unknown key 'acount' in target", "did you mean 'account'?")
case('unknown-key-far', sub(B, ('"vault": "dr-vault",', '"vault": "dr-vault",\n    <@>"colour": "blue",')), "unknown key 'colour' in target",
     'target takes: account, region, profile')
case('unknown-key-reports', sub(B, ('  ]\n}', '  ],\n  "reports": { <@>"html": "r.html" }\n}')), "unknown key 'html' in reports", 'reports takes: junit, evidence')
case('missing-drill-name', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": <@>{ "description": "x" }')), "missing required key 'name' in drill",
     'add "name"')
case('missing-target', '<@>' + sub(B, ('''  "target": {
    "account": "222222222222",
    "region": "us-east-1",
    "vault": "dr-vault",
    "isolation": {
      "db_subnet_group": "drh-isolated",
      "security_groups": ["sg-0drh0isolated0001"]
    }
  },
''', '')), "missing required top-level key 'target'")
case('missing-isolation', sub(B, ('''  "target": {
    "account": "222222222222",
    "region": "us-east-1",
    "vault": "dr-vault",
    "isolation": {
      "db_subnet_group": "drh-isolated",
      "security_groups": ["sg-0drh0isolated0001"]
    }
  },''', '''  "target": <@>{
    "account": "222222222222",
    "region": "us-east-1",
    "vault": "dr-vault"
  },''')), "missing required key 'isolation' in target", '"isolation": {"db_subnet_group"')
case('tier-value-before-missing', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": { "description": "no name" }'),
                                      ('"vault": "dr-vault",', '"vault": <@>"dr vault",')),
     "target.vault: 'dr vault' is not a backup vault name", '2 to 50 letters')
case('first-in-file-order', sub(B, ('"account": "111111111111"', '"account": "11111"'),
                                ('''  "source": {
    "account": "11111",
    "region": "us-east-1",
    "vault": "prod-vault"
  },
''', ''), ('  "resources": [', '''  "source": {
    "account": "11111",
    "region": "us-east-1",
    "vault": "prod-vault"
  },
  "resources": ['''), ('"vault": "dr-vault",', '"vault": <@>"dr vault",')),
     "target.vault: 'dr vault' is not a backup vault name")
case('account-number', sub(B, ('"account": "111111111111"', '"account": <@>111111111111')), 'source.account: expected string, got number',
     'in quotes')
case('account-short', sub(B, ('"account": "111111111111"', '"account": <@>"11111111111"')), "source.account: '11111111111' is not an AWS account id", '12 digits')
case('region-bad', sub(B, ('"region": "us-east-1",\n    "vault": "prod-vault"', '"region": <@>"us-east",\n    "vault": "prod-vault"')),
     "source.region: 'us-east' is not an AWS region name", 'us-east-1')
case('role-arn-bad', sub(B, ('"vault": "dr-vault",', '"vault": "dr-vault",\n    "role_arn": <@>"arn:aws:iam::222222222222:user/bob",')),
     "target.role_arn: 'arn:aws:iam::222222222222:user/bob' is not an IAM role ARN", 'arn:aws:iam::222222222222:role/')
case('role-arn-account', sub(B, ('"vault": "dr-vault",', '"vault": "dr-vault",\n    "role_arn": <@>"arn:aws:iam::333333333333:role/DrhDrillRole",')),
     'target.role_arn: the role is in account 333333333333', 'account 222222222222')
case('role-arn-partition', sub(B, ('"vault": "dr-vault",', '"vault": "dr-vault",\n    "role_arn": <@>"arn:aws-cn:iam::222222222222:role/DrhDrillRole",')),
     "target.role_arn: partition 'aws-cn' does not fit region us-east-1")
case('backup-role-arn-account', sub(B, ('"vault": "prod-vault"', '"vault": "prod-vault",\n    "backup_role_arn": <@>"arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole"')),
     'source.backup_role_arn: the role is in account 222222222222')
case('external-id-without-role', sub(B, ('"vault": "dr-vault",', '"vault": "dr-vault",\n    <@>"external_id": "drh-drill",')),
     'target.external_id: only used with role_arn', 'role_arn')
case('external-id-bad', sub(B, ('"vault": "dr-vault",', '"vault": "dr-vault",\n    "role_arn": "arn:aws:iam::222222222222:role/R",\n    "external_id": <@>"a b c",')),
     'target.external_id: not a valid external id')
case('target-only-key-in-source', sub(B, ('"vault": "prod-vault"', '"vault": "prod-vault",\n    <@>"kms_key": "alias/drh-dr-key"')),
     "key 'kms_key' applies to target only, not source", 'move "kms_key" into "target"')
case('kms-key-bad', sub(B, ('"vault": "dr-vault",', '"vault": "dr-vault",\n    "kms_key": <@>"drh-dr-key",')), "target.kms_key: 'drh-dr-key' is not a KMS key", 'alias/NAME')
case('kms-key-region', sub(B, ('"vault": "dr-vault",', '"vault": "dr-vault",\n    "kms_key": <@>"arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",')),
     'target.kms_key: the key is in us-west-2, but copies are made in us-east-1')
case('vault-bad', sub(B, ('"vault": "prod-vault"', '"vault": <@>"p"')), "source.vault: 'p' is not a backup vault name")
case('profile-empty', sub(B, ('"vault": "prod-vault"', '"vault": "prod-vault",\n    "profile": <@>""')), 'source.profile: must not be empty')
case('isolation-string-bad', sub(B, ('''"isolation": {
      "db_subnet_group": "drh-isolated",
      "security_groups": ["sg-0drh0isolated0001"]
    }''', '"isolation": <@>"none"')), 'target.isolation: \'none\' is not "create" or an object')
case('isolation-number', sub(B, ('''"isolation": {
      "db_subnet_group": "drh-isolated",
      "security_groups": ["sg-0drh0isolated0001"]
    }''', '"isolation": <@>1')), 'target.isolation: expected object or "create", got number')
case('isolation-no-sgs', sub(B, ('"security_groups": ["sg-0drh0isolated0001"]', '"security_groups": <@>[]')),
     'target.isolation.security_groups: at least one security group is needed')
case('isolation-sg-bad', sub(B, ('"security_groups": ["sg-0drh0isolated0001"]', '"security_groups": ["sg-0drh0isolated0001", <@>"sg_2"]')),
     "target.isolation.security_groups[1]: 'sg_2' is not a security group id")
case('isolation-missing-sgs', sub(B, ('''"isolation": {
      "db_subnet_group": "drh-isolated",
      "security_groups": ["sg-0drh0isolated0001"]
    }''', '"isolation": <@>{ "db_subnet_group": "drh-isolated" }')),
     "missing required key 'security_groups' in target.isolation")
case('drill-name-bad', sub(B, ('"name": "unit-drill"', '"name": <@>"unit_drill"')), "drill.name: 'unit_drill' is not a valid name", '1 to 40 letters')
case('drill-name-long', sub(B, ('"name": "unit-drill"', '"name": <@>"' + 'a' * 41 + '"')), 'drill.name: \'' + 'a' * 41 + '\' is not a valid name')
case('drill-name-escape', sub(B, ('"name": "unit-drill"', '"name": <@>"a\\nb"')), "drill.name: 'a?b' is not a valid name")
case('utf8-columns', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": { "description": "Zürich ✓ 東京", "name": "unit-drill", <@>"nme": "x" }')),
     "unknown key 'nme' in drill", "did you mean 'name'?")
case('objectives-duration-bad', sub(B, ('"drill": { "name": "unit-drill" },', '"drill": { "name": "unit-drill" },\n  "objectives": { "rto": <@>"12 hours" },')),
     "objectives.rto: '12 hours' is not a duration", 'largest unit first')
case('objectives-duration-order', sub(B, ('"drill": { "name": "unit-drill" },', '"drill": { "name": "unit-drill" },\n  "objectives": { "rto": "1h", "rpo": <@>"30m1h" },')),
     "objectives.rpo: '30m1h' is not a duration")
case('objectives-duration-number', sub(B, ('"drill": { "name": "unit-drill" },', '"drill": { "name": "unit-drill" },\n  "objectives": { "rto": <@>3600 },')),
     'objectives.rto: expected a duration string, got number', '"90s"')
case('objectives-duration-zero', sub(B, ('"drill": { "name": "unit-drill" },', '"drill": { "name": "unit-drill" },\n  "objectives": { "rpo": <@>"0s" },')),
     "objectives.rpo: '0s' is not a duration")
case('objectives-not-object', sub(B, ('"drill": { "name": "unit-drill" },', '"drill": { "name": "unit-drill" },\n  "objectives": <@>["12h"],')),
     'objectives: expected object, got array')
case('teardown-bad', sub(B, ('  ]\n}', '  ],\n  "teardown": <@>"sometimes"\n}')), "teardown: 'sometimes' is not one of always, on-success, never")
case('teardown-close', sub(B, ('  ]\n}', '  ],\n  "teardown": <@>"on_success"\n}')), "teardown: 'on_success' is not one of", "did you mean 'on-success'?")
case('resources-empty', sub(B, ('"resources": [\n' + RES + '\n  ]', '"resources": <@>[]')), 'resources: at least one resource is needed')
case('resources-not-array', sub(B, ('"resources": [\n' + RES + '\n  ]', '"resources": <@>' + RES.strip())), 'resources: expected array, got object')
case('resource-not-object', sub(B, ('"resources": [\n' + RES + '\n  ]', '"resources": [<@>"orders"]')), 'resources[0]: expected object, got string')
case('resource-name-long', sub(B, ('"type": "aurora",', '"name": <@>"' + 'r' * 31 + '",\n      "type": "aurora",')), "resources[0].name: '" + 'r' * 31 + "' is not a valid name", '1 to 30 letters')
case('resource-missing-engine', sub(B, ('\n      "engine": "aurora-postgresql",', '')).replace('  "resources": [\n    {', '  "resources": [\n    <@>{'),
     "missing required key 'engine' in resources[0]")
case('type-bad', sub(B, ('"type": "aurora"', '"type": <@>"postgres"')), "resources[0].type: 'postgres' is not one of rds, aurora",
     "'postgres' is an engine: write \"engine\": \"postgres\" and \"type\": \"rds\"")
case('engine-close', sub(B, ('"engine": "aurora-postgresql"', '"engine": <@>"aurora-postgres"')), "resources[0].engine: 'aurora-postgres' is not one of",
     "did you mean 'aurora-postgresql'?")
case('engine-type-mismatch', sub(B, ('"type": "aurora"', '"type": "rds"'), ('"engine": "aurora-postgresql"', '"engine": <@>"aurora-postgresql"')),
     "resources[0].engine: 'aurora-postgresql' does not fit type 'rds'", 'postgres or mysql')
case('source-kind-mismatch', sub(B, ('"type": "aurora"', '"type": "rds"'), ('"engine": "aurora-postgresql"', '"engine": "postgres"'),
                                 ('"source": "arn:aws:rds:us-east-1:111111111111:cluster:orders"', '"source": <@>"arn:aws:rds:us-east-1:111111111111:cluster:orders"')),
     "resources[0].source: a cluster ARN for a resource of type 'rds'", ':db:NAME')
case('source-wrong-account', sub(B, ('"source": "arn:aws:rds:us-east-1:111111111111:cluster:orders"', '"source": <@>"arn:aws:rds:us-east-1:333333333333:cluster:orders"')),
     "resources[0].source: the database is in 333333333333 us-east-1, not the source's 111111111111 us-east-1")
case('source-not-rds', sub(B, ('"source": "arn:aws:rds:us-east-1:111111111111:cluster:orders"', '"source": <@>"arn:aws:s3:::orders"')),
     "resources[0].source: 'arn:aws:s3:::orders' is not an RDS ARN or DB identifier")
case('source-identifier-bad', sub(B, ('"source": "arn:aws:rds:us-east-1:111111111111:cluster:orders"', '"source": <@>"1orders"')),
     "resources[0].source: '1orders' is not an RDS ARN or DB identifier")
case('path-bad', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "path": <@>"snapshots",')), "resources[0].path: 'snapshots' is not one of backup, snapshot",
     "did you mean 'snapshot'?")
case('copy-not-bool', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "copy": <@>"yes",')), 'resources[0].copy: expected boolean, got string', 'true or false')
case('select-bad', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "recovery_point": { "select": <@>"newest" },')),
     "resources[0].recovery_point.select: 'newest' is not one of latest, random, dr-vault")
case('within-days-range', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "recovery_point": { "select": "random", "within_days": <@>0 },')),
     'resources[0].recovery_point.within_days: 0 is out of range', 'from 1 to 3650')
case('within-days-float', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "recovery_point": { "select": "random", "within_days": <@>1.5 },')),
     'resources[0].recovery_point.within_days: 1.5 is not a whole number')
case('within-days-without-random', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "recovery_point": { "select": "latest", <@>"within_days": 3 },')),
     "resources[0].recovery_point.within_days: only used with select 'random'")
case('dr-vault-with-copy', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "recovery_point": { "select": "dr-vault" },\n      "copy": <@>true,')),
     "resources[0].copy: select 'dr-vault' restores a copy already in the target vault")
case('dr-vault-snapshot', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "path": "snapshot",\n      "recovery_point": { "select": <@>"dr-vault" },')),
     "resources[0].recovery_point.select: 'dr-vault' needs path 'backup'")
case('dr-vault-needs-target-vault', sub(B, ('"region": "us-east-1",\n    "vault": "dr-vault",', '"region": "us-east-1",'),
                                        ('"type": "aurora",', '"type": "aurora",\n      "recovery_point": { "select": <@>"dr-vault" },')),
     "resources[0].recovery_point.select: 'dr-vault' needs target.vault")
case('backup-needs-source-vault', sub(B, ('"region": "us-east-1",\n    "vault": "prod-vault"', '"region": "us-east-1"'),
                                      ('  "resources": [\n    {', '  "resources": [\n    <@>{')),
     "resources[0]: path 'backup' needs source.vault", '"path": "snapshot"')
case('backup-needs-source-vault-at-path', sub(B, ('"region": "us-east-1",\n    "vault": "prod-vault"', '"region": "us-east-1"'),
                                              ('"type": "aurora",', '"type": "aurora",\n      "path": <@>"backup",')),
     "resources[0]: path 'backup' needs source.vault")
case('copy-needs-target-vault', sub(B, ('"region": "us-east-1",\n    "vault": "dr-vault",', '"region": "us-east-1",'),
                                    ('"type": "aurora",', '"type": "aurora",\n      "copy": <@>true,')),
     'resources[0]: copying a recovery point needs target.vault')
case('staging-vault-needed', sub(B, ('"region": "us-east-1",\n    "vault": "dr-vault",', '"region": "us-west-2",\n    "vault": "dr-vault",'),
                                 ('  "resources": [\n    {', '  "resources": [\n    <@>{')),
     'resources[0]: copying from account 111111111111 in us-east-1 to account 222222222222 in us-west-2 needs target.staging_vault',
     'a vault of account 222222222222 in us-east-1')
case('instance-class-bad', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "restore": { "instance_class": <@>"r6g.large" },')),
     "resources[0].restore.instance_class: 'r6g.large' is not a DB instance class")
case('restore-unknown-key', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "restore": { <@>"instance-class": "db.r6g.large" },')),
     "unknown key 'instance-class' in resources[0].restore", "did you mean 'instance_class'?")
case('login-password-both', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "login": { "password_file": "pw", <@>"password_env": "PW" },')),
     'resources[0].login: password_env and password_file exclude each other')
case('login-password-env-bad', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "login": { "password_env": <@>"1PASSWORD" },')),
     "resources[0].login.password_env: '1PASSWORD' is not an environment variable name")
case('login-tls-close', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "login": { "tls": <@>"verify_full" },')),
     "resources[0].login.tls: 'verify_full' is not one of prefer, require, verify-full, disable", "did you mean 'verify-full'?")
case('login-ca-bundle-without-verify-full', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "login": { "tls": "require", <@>"ca_bundle": "ca.pem" },')),
     "resources[0].login.ca_bundle: only used with tls 'verify-full'")
case('probes-not-array', sub(B, ('"probes": [\n        ' + PROBE + '\n      ]', '"probes": <@>' + PROBE)), 'resources[0].probes: expected array, got object')
case('probe-kind-close', probe('{ "kind": <@>"tabels", "tables": ["orders"] }'), "resources[0].probes[0].kind: 'tabels' is not one of", "did you mean 'tables'?")
case('probe-missing-kind', probe('<@>{ "tables": ["orders"] }'), "missing required key 'kind' in resources[0].probes[0]")
case('probe-unknown-key-no-kind', probe('{ <@>"knd": "tables", "tables": ["orders"] }'), "unknown key 'knd' in resources[0].probes[0]", "did you mean 'kind'?")
case('probe-key-of-other-kind', probe('{ "kind": "sql", "query": "select 1", "expect": { "op": "non-empty" }, <@>"manifest": "m.json" }'),
     "resources[0].probes[0]: key 'manifest' does not apply to a sql probe", 'a sql probe takes: kind, name, timeout, query, expect')
case('probe-unknown-key', probe('{ "kind": "sql", <@>"qurey": "select 1", "expect": { "op": "non-empty" } }'), "unknown key 'qurey' in resources[0].probes[0]",
     "did you mean 'query'?")
case('probe-timeout-bad', probe('{ "kind": "tables", "tables": ["orders"], "timeout": <@>"1 minute" }'), "resources[0].probes[0].timeout: '1 minute' is not a duration")
case('probe-name-bad', probe('{ "kind": "tables", "name": <@>"row counts", "tables": ["orders"] }'), "resources[0].probes[0].name: 'row counts' is not a valid name")
case('sql-missing-query', probe('<@>{ "kind": "sql", "expect": { "op": "non-empty" } }'), "missing required key 'query' in resources[0].probes[0]")
case('sql-missing-expect', probe('<@>{ "kind": "sql", "query": "select 1" }'), "missing required key 'expect' in resources[0].probes[0]", '"op": "equals"')
case('sql-missing-value', probe('{ "kind": "sql", "query": "select 1", "expect": <@>{ "op": "equals" } }'), "missing required key 'value' in resources[0].probes[0].expect")
case('sql-value-with-non-empty', probe('{ "kind": "sql", "query": "select 1", "expect": { "op": "non-empty", <@>"value": "1" } }'),
     "resources[0].probes[0].expect.value: op 'non-empty' takes no value")
case('sql-value-number', probe('{ "kind": "sql", "query": "select 1", "expect": { "op": "equals", "value": <@>0 } }'),
     'resources[0].probes[0].expect.value: expected string, got number', '"1000"')
case('sql-ge-not-number', probe('{ "kind": "sql", "query": "select 1", "expect": { "op": ">=", "value": <@>"many" } }'),
     "resources[0].probes[0].expect.value: 'many' is not a number (op '>=' compares numbers)")
case('sql-le-hex', probe('{ "kind": "sql", "query": "select 1", "expect": { "op": "<=", "value": <@>"0x10" } }'),
     "resources[0].probes[0].expect.value: '0x10' is not a number (op '<=' compares numbers)", 'in quotes')
case('sql-regex-bad', probe('{ "kind": "sql", "query": "select 1", "expect": { "op": "regex", "value": <@>"([a-z" } }'),
     'resources[0].probes[0].expect.value: invalid regular expression')
case('sql-op-bad', probe('{ "kind": "sql", "query": "select 1", "expect": { "op": <@>"==", "value": "1" } }'),
     "resources[0].probes[0].expect.op: '==' is not one of equals, >=, <=, regex, non-empty", "did you mean 'equals'?")
case('sql-query-empty', probe('{ "kind": "sql", "query": <@>"", "expect": { "op": "non-empty" } }'), 'resources[0].probes[0].query: must not be empty')
case('schema-missing-manifest', probe('<@>{ "kind": "schema" }'), "missing required key 'manifest' in resources[0].probes[0]")
case('tables-missing', probe('<@>{ "kind": "tables" }'), "missing required key 'tables' in resources[0].probes[0]")
case('tables-empty', probe('{ "kind": "tables", "tables": <@>[] }'), 'resources[0].probes[0].tables: the list is empty')
case('tables-name-bad', probe('{ "kind": "tables", "tables": ["orders", <@>"orders; drop table x"] }'),
     "resources[0].probes[0].tables[1]: 'orders; drop table x' is not a table name")
case('tables-object-name-bad', probe('{ "kind": "tables", "tables": [{ "name": <@>"a.b.c" }] }'),
     "resources[0].probes[0].tables[0].name: 'a.b.c' is not a table name")
case('tables-min-rows-negative', probe('{ "kind": "tables", "tables": [{ "name": "orders", "min_rows": <@>-1 }] }'),
     'resources[0].probes[0].tables[0].min_rows: -1 is out of range', 'from 0 to 1000000000000')
case('tables-object-unknown-key', probe('{ "kind": "tables", "tables": [{ "name": "orders", <@>"rows": 5 }] }'),
     "unknown key 'rows' in resources[0].probes[0].tables[0]")
case('tables-entry-number', probe('{ "kind": "tables", "tables": [<@>7] }'), 'resources[0].probes[0].tables[0]: expected string or object, got number')
case('checksum-tables-object', probe('{ "kind": "checksum", "manifest": "m.json", "tables": [<@>{ "name": "orders" }] }'),
     'resources[0].probes[0].tables[0]: expected string (a table name), got object')
case('integrity-tables-empty', probe('{ "kind": "integrity", "tables": <@>[] }'), 'resources[0].probes[0].tables: the list is empty',
     'leave "tables" out')
case('canary-column-bad', probe('{ "kind": "canary", "column": <@>"a.b" }'), "resources[0].probes[0].column: 'a.b' is not a column name")
case('probe-dup-names', probe('{ "kind": "tables", "name": "rows", "tables": ["orders"] },\n        { "kind": "integrity", "name": <@>"rows" }'),
     "resources[0].probes[1]: probe name 'rows' is taken by probes[0]")
case('probe-dup-default-name', probe('{ "kind": "tables", "tables": ["orders"] },\n        { "kind": "tables", "tables": ["items"] },\n        { "kind": "integrity", "name": <@>"tables-2" }'),
     "resources[0].probes[2]: probe name 'tables-2' is taken by probes[1]")
case('resource-dup-names', sub(B, ('"resources": [\n' + RES + '\n  ]', '"resources": [\n' + RES + ',\n' + RES.replace('    {', '    <@>{', 1) + '\n  ]')),
     "resources[1]: resource name 'orders' is taken by resources[0]", 'its own "name"')

case('backup-no-copy-other-account', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "copy": <@>false,')),
     'resources[0].copy: false, but the recovery points are in account 111111111111 in us-east-1 and the restore is in account 222222222222 in us-east-1',
     'only in its own account and Region')
case('snapshot-no-copy-other-region', sub(B, ('"region": "us-east-1",\n    "vault": "dr-vault",', '"region": "us-west-2",\n    "vault": "dr-vault",'),
                                          ('"type": "aurora",', '"type": "aurora",\n      "path": "snapshot",\n      "copy": <@>false,')),
     'resources[0].copy: false, but a snapshot shared in us-east-1 cannot be restored in us-west-2', 'set "copy": true')
case('drill-not-object', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": <@>"unit-drill"')), 'drill: expected object, got string')
case('description-not-string', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": { "name": "unit-drill", "description": <@>["a"] }')),
     'drill.description: expected string, got array')

case('drill-name-long-unicode', sub(B, ('"name": "unit-drill"', '"name": <@>"' + '\u00fc' * 70 + '"')),
     "drill.name: '" + '\u00fc' * 60 + "...' is not a valid name")
case('teardown-not-string', sub(B, ('  ]\n}', '  ],\n  "teardown": <@>1\n}')), 'teardown: expected string, got number', 'use one of: always, on-success, never')
case('within-days-string', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "recovery_point": { "select": "random", "within_days": <@>"7" },')),
     'resources[0].recovery_point.within_days: expected integer, got string', 'without quotes')
case('engine-type-mismatch-aurora', sub(B, ('"engine": "aurora-postgresql"', '"engine": <@>"postgres"')),
     "resources[0].engine: 'postgres' does not fit type 'aurora'", 'aurora-postgresql or aurora-mysql')
case('tables-index-after-missing', probe('{ "kind": "tables", "tables": [{ "min_rows": 5 }, <@>"1x"] }'),
     "resources[0].probes[0].tables[1]: '1x' is not a table name")
case('tables-object-missing-name', probe('{ "kind": "tables", "tables": [<@>{ "min_rows": 5 }] }'),
     "missing required key 'name' in resources[0].probes[0].tables[0]")
case('tables-object-min-rows-and-name-bad', probe('{ "kind": "tables", "tables": [{ "name": <@>"1x", "min_rows": "5" }] }'),
     "resources[0].probes[0].tables[0].name: '1x' is not a table name")

os.makedirs(ROOT + '/bad', exist_ok=True)
os.makedirs(ROOT + '/good', exist_ok=True)
names = set()
rows = []
for name, text, frag, hint in cases:
    assert name not in names, name
    names.add(name)
    assert text.count('<@>') == 1, name
    off = text.index('<@>')
    before = text[:off]
    line = before.count('\n') + 1
    col = len(before[before.rfind('\n') + 1:]) + 1
    text = text.replace('<@>', '')
    with open(f'{ROOT}/bad/{name}.json', 'w', encoding='utf-8') as f:
        f.write(text)
    esc = lambda s: s.replace('\\', '\\\\').replace('"', '\\"')
    rows.append(f'    {{"{name}", {line}, {col}, "{esc(frag)}", "{esc(hint)}"}},')
with open(f'{ROOT}/good/minimal.json', 'w', encoding='utf-8') as f:
    f.write(BASE)
for f in os.listdir(ROOT + '/bad'):
    if f.endswith('.json') and f[:-5] not in names:
        os.remove(f'{ROOT}/bad/{f}')

# The rows go between the table's opening line and its "};".
with open(TEST, encoding='utf-8') as f:
    src = f.read()
start = src.index('static const struct bad_case s_bad[] = {\n') + len('static const struct bad_case s_bad[] = {\n')
end = src.index('};', start)
src = src[:start] + '\n'.join(rows) + '\n' + src[end:]
with open(TEST, 'w', encoding='utf-8') as f:
    f.write(src)
print(f'{len(rows)} cases')
