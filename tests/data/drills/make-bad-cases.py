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
case('unknown-key-reports', sub(B, ('  ]\n}', '  ],\n  "reports": { <@>"htm": "r.html" }\n}')), "unknown key 'htm' in reports", "did you mean 'html'?")
case('reports-metrics-not-prom', sub(B, ('  ]\n}', '  ],\n  "reports": { "metrics": <@>"drh.txt" }\n}')),
     "reports.metrics: 'drh.txt' is not a file name ending in .prom", 'textfile collector reads only *.prom')
case('controls-not-array', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": { "name": "unit-drill", "controls": <@>"A.8.13" }')),
     'drill.controls: expected array, got string')
case('controls-missing-framework', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": { "name": "unit-drill", "controls": [<@>{ "control": "A.8.13" }] }')),
     "missing required key 'framework' in drill.controls[0]", 'ISO 27001:2022')
case('controls-unknown-key', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": { "name": "unit-drill", "controls": [{ "framework": "SOC 2", "control": "A1.2", <@>"titel": "x" }] }')),
     "unknown key 'titel' in drill.controls[0]", "did you mean 'title'?")
case('controls-twice', sub(B, ('"drill": { "name": "unit-drill" }', '"drill": { "name": "unit-drill", "controls": [{ "framework": "SOC 2", "control": "A1.2" }, { "framework": "SOC 2", <@>"control": "A1.2" }] }')),
     'drill.controls[1]: SOC 2 A1.2 is listed twice (also drill.controls[0])', 'list each control once')
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
    }''', '"isolation": <@>"none"')), "target.isolation: 'none' is not an object")
case('isolation-number', sub(B, ('''"isolation": {
      "db_subnet_group": "drh-isolated",
      "security_groups": ["sg-0drh0isolated0001"]
    }''', '"isolation": <@>1')), "target.isolation: expected object, got number")
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

# The other resource types: each base is a good drill of one type.
TARGET_DB = '''  "target": {
    "account": "222222222222",
    "region": "us-east-1",
    "vault": "dr-vault",
    "isolation": {
      "db_subnet_group": "drh-isolated",
      "security_groups": ["sg-0drh0isolated0001"]
    }
  },'''
TARGET_NET = '''  "target": {
    "account": "222222222222",
    "region": "us-east-1",
    "vault": "dr-vault",
    "isolation": {
      "subnet": "subnet-0123456789abcdef0",
      "security_groups": ["sg-0drh0isolated0001"]
    }
  },'''
EFS_RES = '''    {
      "type": "efs",
      "source": "fs-0123456789abcdef0",
      "restore": {
        "mount": {
          "point": "/mnt/drh/efs",
          "mount": "fixtures/demo/efs-mount {file_system_id} {mount_point}",
          "unmount": "fixtures/demo/efs-unmount {mount_point}"
        }
      },
      "probes": [
        { "kind": "files", "min_files": 1 }
      ]
    }'''
EC2_RES = '''    {
      "type": "ec2",
      "source": "i-0123456789abcdef0",
      "probes": [
        { "kind": "http", "path": "/health" }
      ]
    }'''
S3_RES = '''    {
      "type": "s3",
      "source": "orders.example.com",
      "replica": { "bucket": "orders-replica" }
    }'''
EFS = sub(BASE, (TARGET_DB, TARGET_NET), (RES, EFS_RES))
EC2 = sub(BASE, (TARGET_DB, TARGET_NET), (RES, EC2_RES))
S3 = sub(BASE, (TARGET_DB, '''  "target": {
    "account": "222222222222",
    "region": "us-east-1",
    "vault": "dr-vault"
  },'''), (RES, S3_RES))
EFS_PROBE = '{ "kind": "files", "min_files": 1 }'
EC2_PROBE = '{ "kind": "http", "path": "/health" }'
def efs_probe(p):
    return sub(EFS, (EFS_PROBE, p))
def ec2_probe(p):
    return sub(EC2, (EC2_PROBE, p))
MOUNT = '"mount": "fixtures/demo/efs-mount {file_system_id} {mount_point}"'
EFS_RESTORE = EFS[EFS.index('"restore": {'):EFS.index(',\n      "probes"')]

case('type-close', sub(B, ('"type": "aurora"', '"type": <@>"ec3"')), "resources[0].type: 'ec3' is not one of rds, aurora, efs, s3, ec2", "did you mean 'ec2'?")
case('subnet-bad', sub(EFS, ('"subnet": "subnet-0123456789abcdef0"', '"subnet": <@>"subnet-xyz"')), "target.isolation.subnet: 'subnet-xyz' is not a subnet id", 'subnet-0123456789abcdef0')
case('aurora-probe-http', probe('{ "kind": <@>"http" }'), "resources[0].probes[0].kind: a 'http' probe does not apply to an aurora resource",
     'aurora probes: sql, tables, schema, checksum, canary, integrity')
case('aurora-needs-db-subnet-group', sub(B, ('''"isolation": {
      "db_subnet_group": "drh-isolated",''', '''"isolation": <@>{
      "subnet": "subnet-0123456789abcdef0",''')),
     "missing required key 'db_subnet_group' in target.isolation", 'resources[0] (aurora) restores into it')
case('aurora-restore-instance-type', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "restore": { <@>"instance_type": "t3.micro" },')),
     "resources[0].restore: key 'instance_type' does not apply to an rds or aurora resource", "an rds or aurora resource's restore takes: instance_class")
case('aurora-image-refused', sub(B, ('"type": "aurora",', '"type": "aurora",\n      <@>"image": {},')),
     "resources[0]: key 'image' does not apply to an aurora resource", 'an aurora resource takes: name, type, engine, source')
case('aurora-path-tag', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "path": <@>"tag",')),
     "resources[0].path: 'tag' does not apply to an aurora resource", '"tag" finds an AMI (ec2)')

# efs
case('efs-source-bad', sub(EFS, ('"source": "fs-0123456789abcdef0"', '"source": <@>"fs-XYZ"')),
     "resources[0].source: 'fs-XYZ' is not an EFS file system id or ARN", 'fs-0123456789abcdef0')
case('efs-source-rds-arn', sub(EFS, ('"source": "fs-0123456789abcdef0"', '"source": <@>"arn:aws:rds:us-east-1:111111111111:cluster:orders"')),
     "resources[0].source: 'arn:aws:rds:us-east-1:111111111111:cluster:orders' is not an EFS file system id or ARN")
case('efs-arn-wrong-account', sub(EFS, ('"source": "fs-0123456789abcdef0"', '"source": <@>"arn:aws:elasticfilesystem:us-east-1:333333333333:file-system/fs-0123456789abcdef0"')),
     "resources[0].source: the file system is in 333333333333 us-east-1, not the source's 111111111111 us-east-1")
case('efs-engine-refused', sub(EFS, ('"type": "efs",', '"type": "efs",\n      <@>"engine": "postgres",')),
     "resources[0]: key 'engine' does not apply to an efs resource", 'only rds and aurora resources have an engine')
case('efs-login-refused', sub(EFS, ('"type": "efs",', '"type": "efs",\n      <@>"login": { "user": "x" },')),
     "resources[0]: key 'login' does not apply to an efs resource", 'only rds and aurora resources are logged in to')
case('efs-path-snapshot', sub(EFS, ('"type": "efs",', '"type": "efs",\n      "path": <@>"snapshot",')),
     "resources[0].path: 'snapshot' does not apply to an efs resource", '"backup" (the default)')
case('efs-missing-restore', sub(EFS, ('      ' + EFS_RESTORE + ',\n', ''), ('    {\n      "type": "efs"', '    <@>{\n      "type": "efs"')),
     "missing required key 'restore' in resources[0]", 'a fixture script plays the mount')
case('efs-missing-mount', sub(EFS, (EFS_RESTORE, '"restore": <@>{ "into": "new" }')),
     "missing required key 'mount' in resources[0].restore", '"point": "/mnt/drh"')
case('efs-mount-point-relative', sub(EFS, ('"point": "/mnt/drh/efs"', '"point": <@>"mnt/drh/efs"')),
     "resources[0].restore.mount.point: 'mnt/drh/efs' is not an absolute folder", '/mnt/drh/efs')
case('efs-mount-missing-unmount', sub(EFS, (MOUNT + ',\n          "unmount": "fixtures/demo/efs-unmount {mount_point}"', MOUNT),
                                      ('"mount": {\n', '"mount": <@>{\n')),
     "missing required key 'unmount' in resources[0].restore.mount", 'umount {mount_point}')
case('efs-mount-placeholder', sub(EFS, (MOUNT, '"mount": <@>"fixtures/demo/efs-mount {file_system_id} {mountpoint}"')),
     "resources[0].restore.mount.mount: unknown placeholder '{mountpoint}'", "did you mean '{mount_point}'?")
case('efs-mount-placeholder-far', sub(EFS, (MOUNT, '"mount": <@>"mount {zone} {mount_point}"')),
     "resources[0].restore.mount.mount: unknown placeholder '{zone}'", 'the placeholders are {file_system_id}, {mount_point}, {region}, {mount_target_ip}')
case('efs-mount-timeout-bad', sub(EFS, (MOUNT, MOUNT + ',\n          "timeout": <@>"2 minutes"')),
     "resources[0].restore.mount.timeout: '2 minutes' is not a duration")
case('efs-into-bad', sub(EFS, ('"restore": {\n', '"restore": {\n        "into": <@>"old",\n')),
     "resources[0].restore.into: 'old' is not one of new, existing")
case('efs-existing-needs-fs', sub(EFS, ('"restore": {\n', '"restore": <@>{\n        "into": "existing",\n')),
     "missing required key 'file_system' in resources[0].restore", '"file_system": "fs-0123456789abcdef0"')
case('efs-fs-bad', sub(EFS, ('"restore": {\n', '"restore": {\n        "into": "existing",\n        "file_system": <@>"fs-1",\n')),
     "resources[0].restore.file_system: 'fs-1' is not an EFS file system id")
case('efs-fs-without-existing', sub(EFS, ('"restore": {\n', '"restore": {\n        <@>"file_system": "fs-0123456789abcdef1",\n')),
     "resources[0].restore.file_system: only used with into 'existing'", 'set "into": "existing"')
case('efs-restore-instance-class', sub(EFS, ('"restore": {\n', '"restore": {\n        <@>"instance_class": "db.t3.medium",\n')),
     "resources[0].restore: key 'instance_class' does not apply to an efs resource", "an efs resource's restore takes: into, file_system, mount")
case('efs-restore-unknown-key', sub(EFS, ('"restore": {\n', '"restore": {\n        <@>"int": "new",\n')),
     "unknown key 'int' in resources[0].restore", "did you mean 'into'?")
case('efs-probe-http', efs_probe('{ "kind": <@>"http" }'), "resources[0].probes[0].kind: a 'http' probe does not apply to an efs resource",
     'efs probes: manifest, files, canary')
case('efs-canary-table', efs_probe('{ "kind": "canary", <@>"table": "drh_canary" }'),
     "resources[0].probes[0]: key 'table' does not apply to a canary probe of an efs resource", 'a canary probe of an efs resource takes: kind, name, timeout, file')
case('efs-canary-file-absolute', efs_probe('{ "kind": "canary", "file": <@>"/etc/passwd" }'),
     "resources[0].probes[0].file: '/etc/passwd' is not a path inside the restored tree", '".drh-canary"')
case('efs-files-path-dotdot', efs_probe('{ "kind": "files", "paths": ["data/a.csv", <@>"data/../../x"] }'),
     "resources[0].probes[0].paths[1]: 'data/../../x' is not a path inside the restored tree", 'without ".."')
case('efs-files-paths-empty', efs_probe('{ "kind": "files", "paths": <@>[] }'), 'resources[0].probes[0].paths: the list is empty', 'leave "paths" out')
case('efs-files-path-number', efs_probe('{ "kind": "files", "paths": [<@>7] }'), 'resources[0].probes[0].paths[0]: expected string, got number')
case('efs-files-min-negative', efs_probe('{ "kind": "files", "min_files": <@>-1 }'), 'resources[0].probes[0].min_files: -1 is out of range', 'from 0 to')
case('efs-files-max-age-bad', efs_probe('{ "kind": "files", "max_age": <@>"old" }'), "resources[0].probes[0].max_age: 'old' is not a duration")
case('efs-files-key-of-http', efs_probe('{ "kind": "files", <@>"port": 80 }'),
     "resources[0].probes[0]: key 'port' does not apply to a files probe", 'a files probe takes: kind, name, timeout, paths, min_files, max_age')
case('efs-manifest-missing', efs_probe('<@>{ "kind": "manifest" }'), "missing required key 'manifest' in resources[0].probes[0]", 'manifests/files.json')
case('efs-needs-subnet', sub(EFS, ('''"isolation": {
      "subnet": "subnet-0123456789abcdef0",''', '''"isolation": <@>{''')),
     "missing required key 'subnet' in target.isolation", 'resources[0] (efs) runs there')
case('efs-needs-sgs', sub(EFS, ('''"isolation": {
      "subnet": "subnet-0123456789abcdef0",
      "security_groups": ["sg-0drh0isolated0001"]
    }''', '''"isolation": <@>{
      "subnet": "subnet-0123456789abcdef0"
    }''')),
     "missing required key 'security_groups' in target.isolation", 'they isolate resources[0] (efs)')
case('efs-needs-isolation', sub(EFS, (TARGET_NET, '''  "target": <@>{
    "account": "222222222222",
    "region": "us-east-1",
    "vault": "dr-vault"
  },''')), "missing required key 'isolation' in target", '"subnet" for ec2 and efs')
case('efs-needs-source-vault', sub(EFS, ('"region": "us-east-1",\n    "vault": "prod-vault"', '"region": "us-east-1"'),
                                   ('    {\n      "type": "efs"', '    <@>{\n      "type": "efs"')),
     "resources[0]: path 'backup' needs source.vault")
case('efs-copy-needs-target-vault', sub(EFS, ('"region": "us-east-1",\n    "vault": "dr-vault",', '"region": "us-east-1",'),
                                        ('"type": "efs",', '"type": "efs",\n      "copy": <@>true,')),
     'resources[0]: copying a recovery point needs target.vault')
case('efs-dr-vault-needs-target-vault', sub(EFS, ('"region": "us-east-1",\n    "vault": "dr-vault",', '"region": "us-east-1",'),
                                            ('"type": "efs",', '"type": "efs",\n      "recovery_point": { "select": <@>"dr-vault" },')),
     "resources[0].recovery_point.select: 'dr-vault' needs target.vault")
case('efs-no-copy-other-account', sub(EFS, ('"type": "efs",', '"type": "efs",\n      "copy": <@>false,')),
     'resources[0].copy: false, but the recovery points are in account 111111111111')

# s3
case('s3-source-bad', sub(S3, ('"source": "orders.example.com"', '"source": <@>"Orders_Bucket"')),
     "resources[0].source: 'Orders_Bucket' is not an S3 bucket name or ARN", '3 to 63 lowercase letters')
case('s3-source-dot-end', sub(S3, ('"source": "orders.example.com"', '"source": <@>"orders."')),
     "resources[0].source: 'orders.' is not an S3 bucket name or ARN")
case('s3-missing-replica', sub(S3, (',\n      "replica": { "bucket": "orders-replica" }', ''), ('    {\n      "type": "s3"', '    <@>{\n      "type": "s3"')),
     "missing required key 'replica' in resources[0]", '"replica": {"bucket": "BUCKET"}')
case('s3-replica-missing-bucket', sub(S3, ('"replica": { "bucket": "orders-replica" }', '"replica": <@>{ "role_arn": "arn:aws:iam::111111111111:role/r" }')),
     "missing required key 'bucket' in resources[0].replica")
case('s3-replica-bucket-bad', sub(S3, ('"bucket": "orders-replica"', '"bucket": <@>"-replica"')),
     "resources[0].replica.bucket: '-replica' is not an S3 bucket name")
case('s3-replica-role-bad', sub(S3, ('"bucket": "orders-replica"', '"bucket": "orders-replica", "role_arn": <@>"s3-replication"')),
     "resources[0].replica.role_arn: 's3-replication' is not an IAM role ARN")
case('s3-replica-is-source', sub(S3, ('"bucket": "orders-replica"', '"bucket": <@>"orders.example.com"')),
     "resources[0].replica.bucket: 'orders.example.com' is the source bucket itself")
case('s3-probes-refused', sub(S3, ('"type": "s3",', '"type": "s3",\n      <@>"probes": [],')),
     "resources[0]: key 'probes' does not apply to an s3 resource", "an s3 resource's checks are built in")
case('s3-path-refused', sub(S3, ('"type": "s3",', '"type": "s3",\n      <@>"path": "backup",')),
     "resources[0]: key 'path' does not apply to an s3 resource", 'remove "path"')
case('s3-recovery-point-refused', sub(S3, ('"type": "s3",', '"type": "s3",\n      <@>"recovery_point": { "select": "latest" },')),
     "resources[0]: key 'recovery_point' does not apply to an s3 resource")
case('s3-image-refused', sub(S3, ('"type": "s3",', '"type": "s3",\n      <@>"image": {},')),
     "resources[0]: key 'image' does not apply to an s3 resource", 'an s3 resource takes: name, type, source, replica, posture, live, compare, restore')
case('s3-lifecycle-close', sub(S3, ('"type": "s3",', '"type": "s3",\n      "posture": { "lifecycle": <@>"sources" },')),
     "resources[0].posture.lifecycle: 'sources' is not one of none, source, replica, both", "did you mean 'source'?")
case('s3-posture-unknown-key', sub(S3, ('"type": "s3",', '"type": "s3",\n      "posture": { <@>"lifecycles": "both" },')),
     "unknown key 'lifecycles' in resources[0].posture", "did you mean 'lifecycle'?")
case('s3-live-max-lag-bad', sub(S3, ('"type": "s3",', '"type": "s3",\n      "live": { "max_lag": <@>900 },')),
     'resources[0].live.max_lag: expected a duration string, got number')
case('s3-live-canary-not-bool', sub(S3, ('"type": "s3",', '"type": "s3",\n      "live": { "canary": <@>"yes" },')),
     'resources[0].live.canary: expected boolean, got string')
case('s3-compare-prefix-number', sub(S3, ('"type": "s3",', '"type": "s3",\n      "compare": { "prefix": <@>1 },')),
     'resources[0].compare.prefix: expected string, got number', 'or "" for every key')
case('s3-restore-at-bad', sub(S3, ('"type": "s3",', '"type": "s3",\n      "restore": { "at": <@>"yesterday" },')),
     "resources[0].restore.at: 'yesterday' is neither a time nor a duration", '"2026-11-21T10:00:00Z"')
case('s3-restore-at-no-zone', sub(S3, ('"type": "s3",', '"type": "s3",\n      "restore": { "at": <@>"2026-11-21T10:00:00" },')),
     "resources[0].restore.at: '2026-11-21T10:00:00' is neither a time nor a duration")
case('s3-restore-instance-type', sub(S3, ('"type": "s3",', '"type": "s3",\n      "restore": { <@>"instance_type": "t3.micro" },')),
     "resources[0].restore: key 'instance_type' does not apply to an s3 resource", "an s3 resource's restore takes: prefix, at")

# ec2
case('ec2-source-bad', sub(EC2, ('"source": "i-0123456789abcdef0"', '"source": <@>"i-XYZ"')),
     "resources[0].source: 'i-XYZ' is not an EC2 instance id or ARN", 'i-0123456789abcdef0')
case('ec2-arn-wrong-region', sub(EC2, ('"source": "i-0123456789abcdef0"', '"source": <@>"arn:aws:ec2:us-west-2:111111111111:instance/i-0123456789abcdef0"')),
     "resources[0].source: the instance is in 111111111111 us-west-2, not the source's 111111111111 us-east-1")
case('ec2-tag-needs-image', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      "path": "tag",'), ('    {\n      "type": "ec2"', '    <@>{\n      "type": "ec2"')),
     "missing required key 'image' in resources[0]", '"image": {"tag": {"key": "drh-dr"')
case('ec2-image-without-tag-path', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      <@>"image": { "tag": { "key": "drh-dr", "value": "web" } },')),
     "resources[0].image: only used with path 'tag'", 'set "path": "tag"')
case('ec2-image-tag-missing-value', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      "path": "tag",\n      "image": { "tag": <@>{ "key": "drh-dr" } },')),
     "missing required key 'value' in resources[0].image.tag")
case('ec2-tag-key-aws', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      "path": "tag",\n      "image": { "tag": { "key": <@>"aws:backup", "value": "x" } },')),
     "resources[0].image.tag.key: 'aws:backup' is not a tag key", 'not starting with aws:')
case('ec2-dr-vault', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      "recovery_point": { "select": <@>"dr-vault" },')),
     "resources[0].recovery_point.select: 'dr-vault' does not apply to an ec2 resource", 'CopyImage')
case('ec2-path-snapshot', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      "path": <@>"snapshot",')),
     "resources[0].path: 'snapshot' does not apply to an ec2 resource", '("tag")')
case('ec2-instance-type-bad', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      "restore": { "instance_type": <@>"t3micro" },')),
     "resources[0].restore.instance_type: 't3micro' is not an EC2 instance type", 't3.micro')
case('ec2-restore-instance-class', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      "restore": { <@>"instance_class": "db.t3.micro" },')),
     "resources[0].restore: key 'instance_class' does not apply to an ec2 resource", "an ec2 resource's restore takes: instance_type")
case('ec2-tunnel-placeholder', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      "reach": { "tunnel": <@>"fixtures/demo/ec2-tunnel {instanceid} {port}" },')),
     "resources[0].reach.tunnel: unknown placeholder '{instanceid}'", "did you mean '{instance_id}'?")
case('ec2-reach-missing-tunnel', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      "reach": <@>{},')),
     "missing required key 'tunnel' in resources[0].reach")
case('ec2-login-refused', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      <@>"login": {},')),
     "resources[0]: key 'login' does not apply to an ec2 resource", 'only rds and aurora resources are logged in to')
case('ec2-probe-sql', ec2_probe('{ "kind": <@>"sql", "query": "select 1" }'),
     "resources[0].probes[0].kind: a 'sql' probe does not apply to an ec2 resource", 'ec2 probes: http, tcp, status')
case('ec2-http-port-range', ec2_probe('{ "kind": "http", "port": <@>70000 }'), 'resources[0].probes[0].port: 70000 is out of range', 'from 1 to 65535')
case('ec2-http-path-bad', ec2_probe('{ "kind": "http", "path": <@>"health" }'), "resources[0].probes[0].path: 'health' is not a URL path", '"/health"')
case('ec2-http-status-range', ec2_probe('{ "kind": "http", "status": <@>99 }'), 'resources[0].probes[0].status: 99 is out of range', 'from 100 to 599')
case('ec2-http-body-bad', ec2_probe('{ "kind": "http", "body": <@>"([a-z" }'), 'resources[0].probes[0].body: invalid regular expression', 'POSIX extended')
case('ec2-tcp-missing-port', ec2_probe('<@>{ "kind": "tcp" }'), "missing required key 'port' in resources[0].probes[0]", '"port": 443')
case('ec2-status-extra-key', ec2_probe('{ "kind": "status", <@>"port": 22 }'),
     "resources[0].probes[0]: key 'port' does not apply to a status probe", 'a status probe takes: kind, name, timeout')
case('ec2-probe-dup-default-name', ec2_probe('{ "kind": "http" },\n        { "kind": "http", "port": 8080 },\n        { "kind": "tcp", "port": 22, "name": <@>"http-1" }'),
     "resources[0].probes[2]: probe name 'http-1' is taken by probes[0]")
case('ec2-needs-subnet', sub(EC2, ('''"isolation": {
      "subnet": "subnet-0123456789abcdef0",''', '''"isolation": <@>{
      "db_subnet_group": "drh-isolated",''')),
     "missing required key 'subnet' in target.isolation", 'resources[0] (ec2) runs there')
case('ec2-no-copy-other-region', sub(EC2, ('"region": "us-east-1",\n    "vault": "dr-vault",', '"region": "us-west-2",\n    "vault": "dr-vault",'),
                                     ('"type": "ec2",', '"type": "ec2",\n      "copy": <@>false,')),
     'resources[0].copy: false, but an AMI in us-east-1 cannot be launched in us-west-2', 'CopyImage')
case('ec2-needs-source-vault', sub(EC2, ('"region": "us-east-1",\n    "vault": "prod-vault"', '"region": "us-east-1"'),
                                   ('    {\n      "type": "ec2"', '    <@>{\n      "type": "ec2"')),
     "resources[0]: path 'backup' needs source.vault", '"path": "tag"')
case('ec2-tier-missing-before-conflict', sub(EC2, ('"region": "us-east-1",\n    "vault": "prod-vault"', '"region": "us-east-1"'),
                                             ('\n      "subnet": "subnet-0123456789abcdef0",', ''),
                                             ('"isolation": {', '"isolation": <@>{')),
     "missing required key 'subnet' in target.isolation")

# Issue 6: the stack. The isolation drh builds, the production account,
# point-in-time restores, "after", check resources and their templates, posture.
ISO = '''"isolation": {
      "db_subnet_group": "drh-isolated",
      "security_groups": ["sg-0drh0isolated0001"]
    }'''
def iso(text):
    return sub(B, (ISO, text))
case('create-no-allow-from', iso('"isolation": { "create": <@>{ "vpc_cidr": "10.213.0.0/16" } }'),
     "missing required key 'allow_from' in target.isolation.create", '"allow_from": "10.20.0.0/16"')
case('create-allow-from-bad', iso('"isolation": { "create": { "allow_from": <@>"10.20.0.1/16" } }'),
     "target.isolation.create.allow_from: '10.20.0.1/16' is not an IPv4 CIDR", 'without host bits')
case('create-vpc-cidr-small', iso('"isolation": { "create": { "allow_from": "10.0.0.0/8", "vpc_cidr": <@>"10.213.0.0/26" } }'),
     "target.isolation.create.vpc_cidr: '10.213.0.0/26' is not an IPv4 CIDR from /16 to /23", 'two /24 subnets')
case('create-with-named', iso('"isolation": { "create": { "allow_from": "10.0.0.0/8" }, <@>"db_subnet_group": "x" }'),
     'target.isolation.db_subnet_group: not used with "create"', 'remove "db_subnet_group"')
case('create-string', iso('"isolation": <@>"create"'),
     "target.isolation: 'create' is not an object", '{"create": {"allow_from": "10.20.0.0/16"}}')
case('production-target', sub(B, ('"account": "222222222222"', '"account": <@>"111111111111"')),
     "target.account: 111111111111 is the source's (production) account", '"allow_production": true')
case('allow-production-type', sub(B, ('"vault": "dr-vault",', '"vault": "dr-vault",\n    "allow_production": <@>"yes",')),
     'target.allow_production: expected')
PITR_TARGET = sub(B, ('"account": "222222222222",\n    "region": "us-east-1",', '"account": "111111111111",\n    "region": "us-east-1",\n    "allow_production": true,'))
case('pitr-other-account', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "path": <@>"pitr",')),
     "resources[0].path: 'pitr' restores in the source's account and region (111111111111 us-east-1), not the target's 222222222222 us-east-1", 'allow_production')
case('pitr-with-copy', sub(PITR_TARGET, ('"type": "aurora",', '"type": "aurora",\n      "path": "pitr",\n      <@>"copy": false,')),
     "resources[0].copy: not used with path 'pitr'", 'continuous backup')
case('pitr-without-path', sub(PITR_TARGET, ('"type": "aurora",', '"type": "aurora",\n      <@>"pitr": { "latest": true },')),
     "resources[0].pitr: only used with path 'pitr'", '"path": "pitr"')
case('pitr-at-bad', sub(PITR_TARGET, ('"type": "aurora",', '"type": "aurora",\n      "path": "pitr",\n      "pitr": { "at": <@>"yesterday" },')),
     "resources[0].pitr.at: 'yesterday' is neither a time nor a duration", '2026-11-21T10:00:00Z')
case('pitr-at-and-latest', sub(PITR_TARGET, ('"type": "aurora",', '"type": "aurora",\n      "path": "pitr",\n      "pitr": { "at": "15m", <@>"latest": true },')),
     'resources[0].pitr: give "at" or "latest", not both')
case('pitr-efs', sub(EFS, ('"type": "efs",', '"type": "efs",\n      "path": <@>"pitr",')),
     "resources[0].path: 'pitr' does not apply to an efs resource")
TWO = sub(B, (RES, RES.replace('"type": "aurora",', '"name": "db",\n      "type": "aurora",') + ''',
    {
      "name": "app",
      "type": "check",
      "after": ["db"],
      "probes": [
        { "kind": "command", "command": "pg_isready -h {db.endpoint} -p {db.port}" }
      ]
    }'''))
def two(*pairs):
    return sub(TWO, *pairs)
CMD = '{ "kind": "command", "command": "pg_isready -h {db.endpoint} -p {db.port}" }'
case('after-unknown', two(('"after": ["db"]', '"after": [<@>"dbx"]')),
     "resources[1].after[0]: no resource is named 'dbx'", 'an earlier resource')
case('after-later', two(('"name": "db",\n      "type": "aurora",', '"name": "db",\n      "after": [<@>"app"],\n      "type": "aurora",')),
     "resources[0].after[0]: 'app' comes later in the drill (resources[1])", "move 'app' before 'db'")
case('after-self', two(('"after": ["db"]', '"after": ["db", <@>"app"]')),
     'resources[1].after[1]: a resource cannot run after itself')
case('after-not-list', two(('"after": ["db"]', '"after": <@>"db"')),
     'resources[1].after: expected array, got string')
case('template-not-after', two(('"after": ["db"]', '"after": []'), (CMD, '{ "kind": "command", "command": <@>"pg_isready -h {db.endpoint} -p {db.port}" }')),
     "resources[1].probes[0]: {db.endpoint} names 'db', which is not in \"after\"", 'add "after": ["db"]')
case('template-unknown-output', two((CMD, '{ "kind": "command", "command": <@>"pg_isready -h {db.endpoint} -p {db.password}" }')),
     "resources[1].probes[0]: {db.password}: an aurora resource has no output 'password'", 'endpoint, port, identifier')
case('check-probe-sql', two((CMD, '{ "kind": <@>"sql", "query": "select 1" }')),
     "resources[1].probes[0].kind: a 'sql' probe does not apply to a check resource", 'command, http (with a url)')
case('check-http-url-bad', two((CMD, '{ "kind": "http", "url": <@>"ftp://x" }')),
     "resources[1].probes[0].url: 'ftp://x' is not an http:// URL", 'plain HTTP')
case('check-http-port', two((CMD, '{ "kind": "http", "url": "http://{db.endpoint}/", <@>"port": 80 }')),
     "unknown key 'port' in resources[1].probes[0]")
case('check-command-output-bad', two((CMD, '{ "kind": "command", "command": "pg_isready -h {db.endpoint}", "output": <@>"([" }')),
     'resources[1].probes[0].output: invalid regular expression', 'POSIX extended')
case('check-no-probes', two(('"probes": [\n        ' + CMD + '\n      ]', '"probes": <@>[]')),
     'resources[1].probes: a check needs a probe', '"kind": "command"')
case('check-source', two(('"name": "app",', '"name": "app",\n      <@>"source": "x",')),
     "resources[1]: key 'source' does not apply to a check resource", 'a check resource takes: name, type, probes, after')
POSTURE = sub(B, ('  "resources": [', '  "posture": { "plan": "orders-plan" },\n  "resources": ['))
case('posture-unknown-key', sub(POSTURE, ('"plan": "orders-plan"', '"plan": "orders-plan", <@>"plans": []')),
     "unknown key 'plans' in posture", "did you mean 'plan'?")
case('posture-retention-hours', sub(POSTURE, ('"plan": "orders-plan"', '"plan": "orders-plan", "rules": [{ "name": "daily", "retention": <@>"36h" }]')),
     'posture.rules[0].retention: a retention is a whole number of days', '"2555d"')
case('posture-rule-no-retention', sub(POSTURE, ('"plan": "orders-plan"', '"plan": "orders-plan", "rules": [<@>{ "name": "daily" }]')),
     "missing required key 'retention' in posture.rules[0]", '"retention": "7d"')
case('posture-copy-account', sub(POSTURE, ('"plan": "orders-plan"', '"plan": "orders-plan", "copies": [{ "account": <@>"2222", "region": "us-west-2" }]')),
     "posture.copies[0].account: '2222' is not an AWS account id", '12 digits')
case('posture-resource-not-arn', sub(POSTURE, ('"plan": "orders-plan"', '"plan": "orders-plan", "resources": [<@>"fs-1234"]')),
     "posture.resources[0]: 'fs-1234' is not an ARN", 'by its ARN')

# How a drill is operated: schedule, notify, a resource's canary section.
SCHED = sub(B, ('  "resources": [', '  "schedule": { "expression": "cron(0 2 ? * SUN *)", "timezone": "Europe/Berlin" },\n  "resources": ['))
case('schedule-bad-day', sub(SCHED, ('"cron(0 2 ? * SUN *)"', '"cron(0 2 ? * <@>MOX *)"')),
     "schedule.expression: day-of-week field 'MOX' is not a day (SUN-SAT or 1-7)", 'MON-FRI')
case('schedule-both-days', sub(SCHED, ('"cron(0 2 ? * SUN *)"', '"cron(0 2 1 * <@>SUN *)"')),
     'schedule.expression:', '?')
case('schedule-rate-plural', sub(SCHED, ('"cron(0 2 ? * SUN *)"', '"rate(1 <@>days)"')),
     'schedule.expression:', 'rate(1 day)')
case('schedule-feb-30', sub(SCHED, ('"cron(0 2 ? * SUN *)"', '<@>"cron(0 0 30 2 ? *)"')),
     'schedule.expression:', '')
case('schedule-unknown-zone', sub(SCHED, ('"Europe/Berlin"', '<@>"Europe/Berln"')),
     'schedule.timezone:', 'Europe/Berlin')
case('schedule-no-expression', sub(SCHED, ('{ "expression": "cron(0 2 ? * SUN *)", "timezone"', '<@>{ "timezone"')),
     "missing required key 'expression' in schedule", 'cron(0 2 ? * SUN *)')
case('schedule-window', sub(SCHED, ('"timezone": "Europe/Berlin"', '"timezone": "Europe/Berlin", "start_window": <@>"soon"')),
     'schedule.start_window:', '')
case('schedule-start-duration', sub(SCHED, ('"timezone": "Europe/Berlin"', '"timezone": "Europe/Berlin", "start": <@>"2h"')),
     'schedule.start: a schedule starts at a time, not a duration', '2026-01-01T00:00:00Z')
NOTIFY = sub(B, ('  "resources": [', '  "notify": { "on": "failure", "webhook": { "url_env": "DRH_HOOK" } },\n  "resources": ['))
case('notify-on', sub(NOTIFY, ('"on": "failure"', '"on": <@>"failures"')),
     "notify.on: 'failures' is not one of failure, always", "did you mean 'failure'?")
case('notify-nothing', sub(NOTIFY, ('{ "on": "failure", "webhook": { "url_env": "DRH_HOOK" } }', '<@>{ "on": "always" }')),
     "notify: neither 'sns' nor 'webhook' given", 'url_env')
case('notify-topic-not-sns', sub(NOTIFY, ('"webhook": { "url_env": "DRH_HOOK" }', '"sns": { "topic_arn": <@>"arn:aws:sqs:us-east-1:111111111111:q" }')),
     "notify.sns.topic_arn: 'arn:aws:sqs:us-east-1:111111111111:q' is not an SNS topic ARN", 'arn:aws:sns:')
case('notify-webhook-both', sub(NOTIFY, ('{ "url_env": "DRH_HOOK" }', '{ "url": "https://hooks.example.com/T/B/x", <@>"url_env": "DRH_HOOK" }')),
     "notify.webhook: 'url' and 'url_env' both given", 'url_env')
case('notify-webhook-not-url', sub(NOTIFY, ('{ "url_env": "DRH_HOOK" }', '{ "url": <@>"hooks.example.com/T/B/x" }')),
     'notify.webhook.url: not an http:// or https:// URL', 'url_env')
TIMEOUTS = sub(B, ('  "resources": [', '  "timeouts": { "drill": "2h", "restore": "1h" },\n  "resources": ['))
case('timeouts-not-duration', sub(TIMEOUTS, ('"restore": "1h"', '"restore": <@>"soon"')),
     "timeouts.restore: 'soon' is not a duration", '')
case('timeouts-unknown-step', sub(TIMEOUTS, ('"restore": "1h"', '<@>"probe": "1h"')),
     "unknown key 'probe' in timeouts", 'drill, copy, restore')
case('timeouts-zero', sub(TIMEOUTS, ('"drill": "2h"', '"drill": <@>"0s"')),
     "timeouts.drill: '0s' is not a duration", '')
case('canary-without-probe', sub(B, ('"type": "aurora",', '"type": "aurora",\n      <@>"canary": { "keep": 100 },')),
     'resources[0].canary: no canary probe reads the canaries back', '"kind": "canary"')
case('canary-mount-on-db', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "canary": { <@>"mount": "/mnt/x" },')),
     "resources[0].canary: key 'mount' does not apply to aurora", 'endpoint')
case('canary-efs-no-mount', sub(EFS, ('"type": "efs",', '"type": "efs",\n      "canary": <@>{ "keep": 10 },')),
     "missing required key 'mount' in resources[0].canary", '/mnt/orders-efs')
case('canary-keep-one', sub(B, ('"type": "aurora",', '"type": "aurora",\n      "canary": { "keep": <@>1 },')),
     'resources[0].canary.keep:', '')
case('canary-on-ec2', sub(EC2, ('"type": "ec2",', '"type": "ec2",\n      <@>"canary": {},')),
     "resources[0]: key 'canary' does not apply to an ec2 resource", 'rds, aurora, efs and s3')

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
for good, text in (('minimal', BASE), ('efs-minimal', EFS), ('s3-minimal', S3), ('ec2-minimal', EC2)):
    with open(f'{ROOT}/good/{good}.json', 'w', encoding='utf-8') as f:
        f.write(text)
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
