"""The calls test_conformance.py makes, one function per service."""
import json
import time

from emu import PROD, DR, BACKUP_ROLE, wait_job, vault_policy

EAST, WEST = "us-east-1", "us-west-2"


def wait_for(fn, want, timeout=60):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last == want:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {want!r}, last {last!r}")


def sts(r, E, t):
    t.assertEqual(r.call("sts", "GetCallerIdentity")["Account"], PROD)
    c = r.call("sts", "AssumeRole", profile="dr", RoleArn=f"arn:aws:iam::{PROD}:role/DrhDrillRole",
               RoleSessionName="conf", ExternalId="drh-drill")["Credentials"]
    t.assertTrue(c["SessionToken"])
    r.error("AccessDenied", "sts", "AssumeRole", profile="dr",
            RoleArn=f"arn:aws:iam::{PROD}:role/DrhDrillRole", RoleSessionName="conf")
    token = open(f"{E.state}/aws/web-identity-token").read()
    out = r.call("sts", "AssumeRoleWithWebIdentity", RoleArn=f"arn:aws:iam::{PROD}:role/DrhWebIdentityRole",
                 RoleSessionName="ci", WebIdentityToken=token)
    t.assertEqual(out["SubjectFromWebIdentityToken"], "drh-ci")
    r.error("InvalidIdentityToken", "sts", "AssumeRoleWithWebIdentity",
            RoleArn=f"arn:aws:iam::{PROD}:role/DrhWebIdentityRole", RoleSessionName="ci",
            WebIdentityToken="a.b.c")


def kms(r, E, t):
    k = r.call("kms", "DescribeKey", KeyId="alias/drh-dr-key")["KeyMetadata"]
    t.assertEqual(k["KeyManager"], "CUSTOMER")
    t.assertIn("Statement", json.loads(r.call("kms", "GetKeyPolicy", KeyId=k["Arn"],
                                              PolicyName="default")["Policy"]))
    g = r.call("kms", "CreateGrant", KeyId=k["Arn"], GranteePrincipal=f"arn:aws:iam::{DR}:root",
               Operations=["Decrypt"])
    t.assertIn(g["GrantId"], [x["GrantId"] for x in r.call("kms", "ListGrants", KeyId=k["Arn"])["Grants"]])
    t.assertIn("alias/aws/backup", [a["AliasName"] for a in r.call("kms", "ListAliases")["Aliases"]])
    r.error("NotFoundException", "kms", "DescribeKey", KeyId="alias/nope")


def sns(r, E, t):
    arn = r.call("sns", "CreateTopic", Name="conf")["TopicArn"]
    r.call("sns", "Subscribe", TopicArn=arn, Protocol="email", Endpoint="ops@example.com")
    t.assertTrue(r.call("sns", "Publish", TopicArn=arn, Message="m")["MessageId"])
    t.assertIn(arn, [x["TopicArn"] for x in r.call("sns", "ListTopics")["Topics"]])
    r.call("sns", "DeleteTopic", TopicArn=arn)
    r.error("NotFound", "sns", "Publish", TopicArn=arn, Message="m")


def ec2(r, E, t):
    zones = r.call("ec2", "DescribeAvailabilityZones")["AvailabilityZones"]
    t.assertEqual([z["ZoneName"] for z in zones], ["us-east-1a", "us-east-1b", "us-east-1c"])
    r.error("InvalidParameterValue", "ec2", "DescribeAvailabilityZones", ZoneNames=["us-east-1z"])
    vpc = r.call("ec2", "CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    t.assertEqual(r.call("ec2", "DescribeVpcs", VpcIds=[vpc])["Vpcs"][0]["VpcId"], vpc)
    sub = r.call("ec2", "CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    t.assertEqual(len(r.call("ec2", "DescribeSubnets", Filters=[{"Name": "vpc-id", "Values": [vpc]}])
                      ["Subnets"]), 1)
    igw = r.call("ec2", "CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    r.call("ec2", "AttachInternetGateway", InternetGatewayId=igw, VpcId=vpc)
    t.assertEqual(r.call("ec2", "DescribeInternetGateways", InternetGatewayIds=[igw])
                  ["InternetGateways"][0]["Attachments"][0]["VpcId"], vpc)
    r.error("DependencyViolation", "ec2", "DeleteInternetGateway", InternetGatewayId=igw)
    sg = r.call("ec2", "CreateSecurityGroup", GroupName="g", Description="d", VpcId=vpc)["GroupId"]
    r.call("ec2", "AuthorizeSecurityGroupIngress", GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    t.assertEqual(r.call("ec2", "DescribeSecurityGroups", GroupIds=[sg])["SecurityGroups"][0]
                  ["IpPermissions"][0]["FromPort"], 5432)
    r.call("ec2", "CreateTags", Resources=[vpc], Tags=[{"Key": "drh:run-id", "Value": "c"}])
    t.assertEqual(r.call("ec2", "DescribeTags", Filters=[{"Name": "resource-id", "Values": [vpc]}])
                  ["Tags"][0]["Value"], "c")
    r.call("ec2", "DeleteTags", Resources=[vpc], Tags=[{"Key": "drh:run-id"}])
    seed = E.admin("POST", "/seed/ami", {"profile": "production", "name": "conf"})
    ami, snap = seed["image_id"], seed["snapshot_id"]
    t.assertEqual(r.call("ec2", "DescribeImages", ImageIds=[ami])["Images"][0]["State"], "available")
    r.call("ec2", "ModifyImageAttribute", ImageId=ami, LaunchPermission={"Add": [{"UserId": DR}]})
    t.assertEqual(r.call("ec2", "DescribeImageAttribute", ImageId=ami, Attribute="launchPermission")
                  ["LaunchPermissions"], [{"UserId": DR}])
    r.call("ec2", "ModifySnapshotAttribute", SnapshotId=snap, Attribute="createVolumePermission",
           CreateVolumePermission={"Add": [{"UserId": DR}]})
    t.assertEqual(r.call("ec2", "DescribeSnapshotAttribute", SnapshotId=snap,
                         Attribute="createVolumePermission")["CreateVolumePermissions"], [{"UserId": DR}])
    t.assertEqual(r.call("ec2", "DescribeSnapshots", SnapshotIds=[snap])["Snapshots"][0]["State"], "completed")
    new = r.call("ec2", "CopyImage", profile="dr", region=WEST, SourceRegion=EAST, SourceImageId=ami,
                 Name="conf-copy", Encrypted=True, KmsKeyId="alias/drh-dr-key")["ImageId"]
    wait_for(lambda: r.call("ec2", "DescribeImages", profile="dr", region=WEST, ImageIds=[new])
             ["Images"][0]["State"], "available")
    res = r.call("ec2", "RunInstances", ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                 SubnetId=sub, SecurityGroupIds=[sg])
    iid = res["Instances"][0]["InstanceId"]
    wait_for(lambda: (r.call("ec2", "DescribeInstanceStatus", InstanceIds=[iid])["InstanceStatuses"]
                      or [{}])[0].get("InstanceStatus", {}).get("Status"), "ok")
    t.assertEqual(r.call("ec2", "DescribeInstances", InstanceIds=[iid])["Reservations"][0]
                  ["Instances"][0]["State"]["Name"], "running")
    r.error("InvalidSnapshot.InUse", "ec2", "DeleteSnapshot", SnapshotId=snap)
    r.call("ec2", "TerminateInstances", InstanceIds=[iid])
    r.error("InvalidInstanceID.NotFound", "ec2", "DescribeInstances", InstanceIds=["i-0000000000000000f"])
    wait_for(lambda: r.call("ec2", "DescribeInstances", InstanceIds=[iid])["Reservations"][0]
             ["Instances"][0]["State"]["Name"], "terminated")
    r.call("ec2", "DeregisterImage", ImageId=ami)
    r.call("ec2", "DeleteSnapshot", SnapshotId=snap)
    r.error("InvalidAMIID.NotFound", "ec2", "DescribeImages", ImageIds=[ami])
    r.call("ec2", "DeleteSecurityGroup", GroupId=sg)
    r.call("ec2", "DetachInternetGateway", InternetGatewayId=igw, VpcId=vpc)
    r.call("ec2", "DeleteInternetGateway", InternetGatewayId=igw)
    r.error("DependencyViolation", "ec2", "DeleteVpc", VpcId=vpc)
    r.call("ec2", "DeleteSubnet", SubnetId=sub)
    r.call("ec2", "DeleteVpc", VpcId=vpc)


def efs(r, E, t):
    fs = r.call("efs", "CreateFileSystem", CreationToken="conf", Encrypted=True,
                Tags=[{"Key": "Name", "Value": "conf"}])
    fsid = fs["FileSystemId"]
    t.assertEqual(fs["Name"], "conf")
    r.error("FileSystemAlreadyExists", "efs", "CreateFileSystem", CreationToken="conf")
    t.assertEqual(r.call("efs", "DescribeFileSystems", FileSystemId=fsid)["FileSystems"][0]
                  ["LifeCycleState"], "available")
    vpc = r.call("ec2", "CreateVpc", CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    sub = r.call("ec2", "CreateSubnet", VpcId=vpc, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    mt = r.call("efs", "CreateMountTarget", FileSystemId=fsid, SubnetId=sub)["MountTargetId"]
    t.assertEqual(r.call("efs", "DescribeMountTargets", FileSystemId=fsid)["MountTargets"][0]
                  ["MountTargetId"], mt)
    r.call("efs", "TagResource", ResourceId=fsid, Tags=[{"Key": "drh:drill", "Value": "x"}])
    t.assertIn({"Key": "drh:drill", "Value": "x"},
               r.call("efs", "ListTagsForResource", ResourceId=fsid)["Tags"])
    r.call("efs", "UntagResource", ResourceId=fsid, TagKeys=["drh:drill"])
    r.error("FileSystemInUse", "efs", "DeleteFileSystem", FileSystemId=fsid)
    r.call("efs", "DeleteMountTarget", MountTargetId=mt)
    r.call("efs", "DeleteFileSystem", FileSystemId=fsid)
    r.error("FileSystemNotFound", "efs", "DescribeFileSystems", FileSystemId=fsid)


def s3(r, E, t):
    r.call("s3", "CreateBucket", Bucket="conf-src")
    r.error("BucketAlreadyExists", "s3", "CreateBucket", profile="dr", Bucket="conf-src")
    r.call("s3", "HeadBucket", Bucket="conf-src")
    t.assertIsNone(r.call("s3", "GetBucketLocation", Bucket="conf-src").get("LocationConstraint"))
    t.assertIn("conf-src", [b["Name"] for b in r.call("s3", "ListBuckets")["Buckets"]])
    r.call("s3", "PutBucketVersioning", Bucket="conf-src", VersioningConfiguration={"Status": "Enabled"})
    t.assertEqual(r.call("s3", "GetBucketVersioning", Bucket="conf-src")["Status"], "Enabled")
    r.call("s3", "CreateBucket", profile="dr", Bucket="conf-dst")
    r.call("s3", "PutBucketVersioning", profile="dr", Bucket="conf-dst",
           VersioningConfiguration={"Status": "Enabled"})
    role = f"arn:aws:iam::{PROD}:role/crr"
    r.call("s3", "PutBucketPolicy", profile="dr", Bucket="conf-dst", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": role},
                                                "Action": "s3:Replicate*", "Resource": "*"}]}))
    t.assertIn("Replicate", r.call("s3", "GetBucketPolicy", profile="dr", Bucket="conf-dst")["Policy"])
    r.call("s3", "PutBucketReplication", Bucket="conf-src", ReplicationConfiguration={
        "Role": role, "Rules": [{"ID": "r", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                                 "DeleteMarkerReplication": {"Status": "Enabled"},
                                 "Destination": {"Bucket": "arn:aws:s3:::conf-dst", "Account": DR}}]})
    t.assertEqual(r.call("s3", "GetBucketReplication", Bucket="conf-src")["ReplicationConfiguration"]
                  ["Rules"][0]["ID"], "r")
    r.call("s3", "PutBucketLifecycleConfiguration", Bucket="conf-src", LifecycleConfiguration={
        "Rules": [{"ID": "l", "Status": "Enabled", "Filter": {"Prefix": ""},
                   "NoncurrentVersionExpiration": {"NoncurrentDays": 7}}]})
    t.assertEqual(r.call("s3", "GetBucketLifecycleConfiguration", Bucket="conf-src")["Rules"][0]["ID"], "l")
    r.call("s3", "PutBucketTagging", Bucket="conf-src", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    t.assertEqual(r.call("s3", "GetBucketTagging", Bucket="conf-src")["TagSet"], [{"Key": "a", "Value": "b"}])
    put = r.call("s3", "PutObject", Bucket="conf-src", Key="k/1", Body=b"data", ChecksumAlgorithm="SHA256")
    t.assertTrue(put["ChecksumSHA256"])
    h = r.call("s3", "HeadObject", Bucket="conf-src", Key="k/1", ChecksumMode="ENABLED")
    t.assertEqual(h["ChecksumSHA256"], put["ChecksumSHA256"])
    t.assertEqual(r.call("s3", "GetObject", Bucket="conf-src", Key="k/1")["Body"].read(), b"data")
    wait_for(lambda: r.call("s3", "HeadObject", Bucket="conf-src", Key="k/1").get("ReplicationStatus"),
             "COMPLETED")
    t.assertEqual(r.call("s3", "HeadObject", profile="dr", Bucket="conf-dst", Key="k/1")
                  ["ReplicationStatus"], "REPLICA")
    up = r.call("s3", "CreateMultipartUpload", Bucket="conf-src", Key="big")["UploadId"]
    e1 = r.call("s3", "UploadPart", Bucket="conf-src", Key="big", UploadId=up, PartNumber=1,
                Body=b"a" * (5 << 20))["ETag"]
    e2 = r.call("s3", "UploadPart", Bucket="conf-src", Key="big", UploadId=up, PartNumber=2,
                Body=b"b")["ETag"]
    done = r.call("s3", "CompleteMultipartUpload", Bucket="conf-src", Key="big", UploadId=up,
                  MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    t.assertTrue(done["ETag"].endswith('-2"'))
    t.assertEqual(r.call("s3", "HeadObject", Bucket="conf-src", Key="big")["ContentLength"], (5 << 20) + 1)
    up2 = r.call("s3", "CreateMultipartUpload", Bucket="conf-src", Key="gone")["UploadId"]
    r.call("s3", "AbortMultipartUpload", Bucket="conf-src", Key="gone", UploadId=up2)
    r.error("NoSuchUpload", "s3", "UploadPart", Bucket="conf-src", Key="gone", UploadId=up2,
            PartNumber=1, Body=b"x")
    r.call("s3", "CopyObject", Bucket="conf-src", Key="k/2", CopySource="conf-src/k/1")
    t.assertEqual(r.call("s3", "ListObjectsV2", Bucket="conf-src", Prefix="k/")["KeyCount"], 2)
    t.assertEqual(len(r.call("s3", "ListObjects", Bucket="conf-src")["Contents"]), 3)
    r.call("s3", "DeleteObject", Bucket="conf-src", Key="k/2")
    vs = r.call("s3", "ListObjectVersions", Bucket="conf-src")
    t.assertEqual(len(vs["DeleteMarkers"]), 1)
    r.error("NoSuchKey", "s3", "GetObject", Bucket="conf-src", Key="k/2")
    r.error("404", "s3", "HeadObject", Bucket="conf-src", Key="nope")
    r.error("AccessDenied", "s3", "ListObjectsV2", profile="dr", Bucket="conf-src")
    r.error("BucketNotEmpty", "s3", "DeleteBucket", Bucket="conf-src")
    objs = [{"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in vs.get("Versions", []) + vs.get("DeleteMarkers", [])]
    t.assertEqual(len(r.call("s3", "DeleteObjects", Bucket="conf-src", Delete={"Objects": objs})
                      ["Deleted"]), len(objs))
    r.call("s3", "DeleteBucketReplication", Bucket="conf-src")
    r.error("ReplicationConfigurationNotFoundError", "s3", "GetBucketReplication", Bucket="conf-src")
    r.call("s3", "DeleteBucketLifecycle", Bucket="conf-src")
    r.call("s3", "DeleteBucketTagging", Bucket="conf-src")
    r.call("s3", "DeleteBucketPolicy", profile="dr", Bucket="conf-dst")
    r.error("NoSuchBucketPolicy", "s3", "GetBucketPolicy", profile="dr", Bucket="conf-dst")
    r.call("s3", "DeleteBucket", Bucket="conf-src")
    r.error("NoSuchBucket", "s3", "GetBucketVersioning", Bucket="conf-src")


def rds(r, E, t):
    E.admin("POST", "/seed/rds", {"profile": "production", "engine": "aurora-postgresql",
                                  "identifier": "conf-cl", "master_password": "pw-1234567",
                                  "sql": "CREATE TABLE t(i int); INSERT INTO t VALUES (1);"})
    E.admin("POST", "/seed/rds", {"profile": "production", "engine": "postgres",
                                  "identifier": "conf-db", "master_password": "pw-1234567"})
    t.assertEqual(r.call("rds", "DescribeDBClusters", DBClusterIdentifier="conf-cl")["DBClusters"][0]
                  ["Status"], "available")
    t.assertEqual(len(r.call("rds", "DescribeDBInstances")["DBInstances"]), 2)
    r.error("DBClusterNotFoundFault", "rds", "DescribeDBClusters", DBClusterIdentifier="nope")
    r.error("DBInstanceNotFound", "rds", "DescribeDBInstances", DBInstanceIdentifier="nope")
    arn = r.call("rds", "DescribeDBInstances", DBInstanceIdentifier="conf-db")["DBInstances"][0]["DBInstanceArn"]
    r.call("rds", "AddTagsToResource", ResourceName=arn, Tags=[{"Key": "a", "Value": "b"}])
    t.assertEqual(r.call("rds", "ListTagsForResource", ResourceName=arn)["TagList"], [{"Key": "a", "Value": "b"}])
    r.call("rds", "RemoveTagsFromResource", ResourceName=arn, TagKeys=["a"])
    r.call("rds", "ModifyDBInstance", DBInstanceIdentifier="conf-db", MasterUserPassword="pw-7654321",
           ApplyImmediately=True)
    r.call("rds", "ModifyDBCluster", DBClusterIdentifier="conf-cl", MasterUserPassword="pw-7654321",
           ApplyImmediately=True)
    r.call("rds", "CreateDBClusterSnapshot", DBClusterIdentifier="conf-cl",
           DBClusterSnapshotIdentifier="cs1")
    wait_for(lambda: r.call("rds", "DescribeDBClusterSnapshots", DBClusterSnapshotIdentifier="cs1")
             ["DBClusterSnapshots"][0]["Status"], "available")
    r.call("rds", "ModifyDBClusterSnapshotAttribute", DBClusterSnapshotIdentifier="cs1",
           AttributeName="restore", ValuesToAdd=[DR])
    t.assertEqual(r.call("rds", "DescribeDBClusterSnapshotAttributes", DBClusterSnapshotIdentifier="cs1")
                  ["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"][0]
                  ["AttributeValues"], [DR])
    r.call("rds", "CopyDBClusterSnapshot", profile="dr",
           SourceDBClusterSnapshotIdentifier=f"arn:aws:rds:{EAST}:{PROD}:cluster-snapshot:cs1",
           TargetDBClusterSnapshotIdentifier="cs1-dr", KmsKeyId="alias/drh-dr-key")
    wait_for(lambda: r.call("rds", "DescribeDBClusterSnapshots", profile="dr",
                            DBClusterSnapshotIdentifier="cs1-dr")["DBClusterSnapshots"][0]["Status"],
             "available")
    r.call("rds", "RestoreDBClusterFromSnapshot", profile="dr", DBClusterIdentifier="conf-restored",
           SnapshotIdentifier="cs1-dr", Engine="aurora-postgresql")
    r.error("DBClusterAlreadyExistsFault", "rds", "RestoreDBClusterFromSnapshot", profile="dr",
            DBClusterIdentifier="conf-restored", SnapshotIdentifier="cs1-dr", Engine="aurora-postgresql")
    wait_for(lambda: r.call("rds", "DescribeDBClusters", profile="dr", DBClusterIdentifier="conf-restored")
             ["DBClusters"][0]["Status"], "available")
    r.call("rds", "CreateDBInstance", profile="dr", DBInstanceIdentifier="conf-restored-1",
           DBClusterIdentifier="conf-restored", Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    wait_for(lambda: r.call("rds", "DescribeDBInstances", profile="dr", DBInstanceIdentifier="conf-restored-1")
             ["DBInstances"][0]["DBInstanceStatus"], "available")
    r.call("rds", "DeleteDBInstance", profile="dr", DBInstanceIdentifier="conf-restored-1",
           SkipFinalSnapshot=True)
    wait_for(lambda: len(r.call("rds", "DescribeDBInstances", profile="dr")["DBInstances"]), 0)
    r.call("rds", "DeleteDBCluster", profile="dr", DBClusterIdentifier="conf-restored", SkipFinalSnapshot=True)
    r.call("rds", "CreateDBSnapshot", DBInstanceIdentifier="conf-db", DBSnapshotIdentifier="s1")
    wait_for(lambda: r.call("rds", "DescribeDBSnapshots", DBSnapshotIdentifier="s1")["DBSnapshots"][0]
             ["Status"], "available")
    r.call("rds", "ModifyDBSnapshotAttribute", DBSnapshotIdentifier="s1", AttributeName="restore",
           ValuesToAdd=[DR])
    t.assertEqual(r.call("rds", "DescribeDBSnapshotAttributes", DBSnapshotIdentifier="s1")
                  ["DBSnapshotAttributesResult"]["DBSnapshotAttributes"][0]["AttributeValues"], [DR])
    r.call("rds", "CopyDBSnapshot", region=WEST, SourceDBSnapshotIdentifier=f"arn:aws:rds:{EAST}:{PROD}:snapshot:s1",
           TargetDBSnapshotIdentifier="s1-west", KmsKeyId="alias/drh-dr-key", SourceRegion=EAST)
    wait_for(lambda: r.call("rds", "DescribeDBSnapshots", region=WEST, DBSnapshotIdentifier="s1-west")
             ["DBSnapshots"][0]["Status"], "available")
    r.call("rds", "RestoreDBInstanceFromDBSnapshot", region=WEST, DBInstanceIdentifier="conf-west",
           DBSnapshotIdentifier="s1-west")
    r.call("rds", "RestoreDBInstanceToPointInTime", SourceDBInstanceIdentifier="conf-db",
           TargetDBInstanceIdentifier="conf-pitr", UseLatestRestorableTime=True)
    r.call("rds", "RestoreDBClusterToPointInTime", SourceDBClusterIdentifier="conf-cl",
           DBClusterIdentifier="conf-cl-pitr", UseLatestRestorableTime=True)
    for ident, region in (("conf-west", WEST), ("conf-pitr", EAST)):
        wait_for(lambda: r.call("rds", "DescribeDBInstances", region=region, DBInstanceIdentifier=ident)
                 ["DBInstances"][0]["DBInstanceStatus"], "available")
    r.call("rds", "DeleteDBSnapshot", region=WEST, DBSnapshotIdentifier="s1-west")
    r.call("rds", "DeleteDBClusterSnapshot", DBClusterSnapshotIdentifier="cs1")
    r.error("DBClusterSnapshotNotFoundFault", "rds", "DescribeDBClusterSnapshots",
            DBClusterSnapshotIdentifier="cs1")
    r.error("DBSnapshotNotFound", "rds", "DescribeDBSnapshots", region=WEST, DBSnapshotIdentifier="s1-west")
    vpc = r.call("ec2", "CreateVpc", CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subs = [r.call("ec2", "CreateSubnet", VpcId=vpc, CidrBlock=f"10.7.{i}.0/24",
                   AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
            for i, z in ((1, "a"), (2, "b"))]
    r.error("DBSubnetGroupDoesNotCoverEnoughAZs", "rds", "CreateDBSubnetGroup", DBSubnetGroupName="g",
            DBSubnetGroupDescription="g", SubnetIds=subs[:1])
    r.call("rds", "CreateDBSubnetGroup", DBSubnetGroupName="g", DBSubnetGroupDescription="g", SubnetIds=subs)
    g = r.call("rds", "DescribeDBSubnetGroups", DBSubnetGroupName="g")["DBSubnetGroups"][0]
    t.assertEqual(g["VpcId"], vpc)
    t.assertEqual(sorted(s["SubnetAvailabilityZone"]["Name"] for s in g["Subnets"]),
                  ["us-east-1a", "us-east-1b"])
    r.call("rds", "DeleteDBSubnetGroup", DBSubnetGroupName="g")
    r.error("DBSubnetGroupNotFoundFault", "rds", "DescribeDBSubnetGroups", DBSubnetGroupName="g")


def backup(r, E, t):
    r.call("backup", "CreateBackupVault", BackupVaultName="cv", EncryptionKeyArn="alias/drh-dr-key",
           BackupVaultTags={"a": "b"})
    r.error("AlreadyExistsException", "backup", "CreateBackupVault", BackupVaultName="cv")
    v = r.call("backup", "DescribeBackupVault", BackupVaultName="cv")
    t.assertEqual(r.call("backup", "ListTags", ResourceArn=v["BackupVaultArn"])["Tags"], {"a": "b"})
    r.call("backup", "TagResource", ResourceArn=v["BackupVaultArn"], Tags={"c": "d"})
    r.call("backup", "UntagResource", ResourceArn=v["BackupVaultArn"], TagKeyList=["a"])
    t.assertIn("cv", [x["BackupVaultName"] for x in r.call("backup", "ListBackupVaults")["BackupVaultList"]])
    r.call("backup", "CreateBackupVault", profile="dr", BackupVaultName="dv")
    r.call("backup", "PutBackupVaultAccessPolicy", profile="dr", BackupVaultName="dv", Policy=vault_policy(PROD))
    t.assertIn("CopyIntoBackupVault", r.call("backup", "GetBackupVaultAccessPolicy", profile="dr",
                                             BackupVaultName="dv")["Policy"])
    r.call("backup", "CreateBackupVault", profile="dr", BackupVaultName="tmp")
    r.call("backup", "PutBackupVaultAccessPolicy", profile="dr", BackupVaultName="tmp", Policy=vault_policy(PROD))
    r.call("backup", "DeleteBackupVaultAccessPolicy", profile="dr", BackupVaultName="tmp")
    r.error("ResourceNotFoundException", "backup", "GetBackupVaultAccessPolicy", profile="dr",
            BackupVaultName="tmp")
    r.call("backup", "DeleteBackupVault", profile="dr", BackupVaultName="tmp")
    E.admin("POST", "/seed/rds", {"profile": "production", "engine": "mysql", "identifier": "bk-db",
                                  "master_password": "pw-1234567"})
    res = f"arn:aws:rds:{EAST}:{PROD}:db:bk-db"
    plan = r.call("backup", "CreateBackupPlan", BackupPlan={"BackupPlanName": "p", "Rules": [{
        "RuleName": "r", "TargetBackupVaultName": "cv", "Lifecycle": {"DeleteAfterDays": 7},
        "CopyActions": [{"DestinationBackupVaultArn": f"arn:aws:backup:{EAST}:{DR}:backup-vault:dv"}]}]})
    pid = plan["BackupPlanId"]
    r.call("backup", "UpdateBackupPlan", BackupPlanId=pid, BackupPlan={"BackupPlanName": "p", "Rules": [{
        "RuleName": "r", "TargetBackupVaultName": "cv", "Lifecycle": {"DeleteAfterDays": 8}}]})
    t.assertEqual(r.call("backup", "GetBackupPlan", BackupPlanId=pid)["BackupPlan"]["Rules"][0]
                  ["Lifecycle"]["DeleteAfterDays"], 8)
    t.assertIn(pid, [p["BackupPlanId"] for p in r.call("backup", "ListBackupPlans")["BackupPlansList"]])
    sid = r.call("backup", "CreateBackupSelection", BackupPlanId=pid, BackupSelection={
        "SelectionName": "s", "IamRoleArn": BACKUP_ROLE.format(PROD), "Resources": [res]})["SelectionId"]
    t.assertEqual(r.call("backup", "GetBackupSelection", BackupPlanId=pid, SelectionId=sid)
                  ["BackupSelection"]["Resources"], [res])
    t.assertEqual(len(r.call("backup", "ListBackupSelections", BackupPlanId=pid)["BackupSelectionsList"]), 1)
    r.error("InvalidRequestException", "backup", "DeleteBackupPlan", BackupPlanId=pid)
    r.call("backup", "DeleteBackupSelection", BackupPlanId=pid, SelectionId=sid)
    r.call("backup", "DeleteBackupPlan", BackupPlanId=pid)
    job = r.call("backup", "StartBackupJob", BackupVaultName="cv", ResourceArn=res,
                 IamRoleArn=BACKUP_ROLE.format(PROD))
    wait_job(E, job["BackupJobId"])
    t.assertEqual(r.call("backup", "DescribeBackupJob", BackupJobId=job["BackupJobId"])["State"], "COMPLETED")
    t.assertEqual(len(r.call("backup", "ListBackupJobs", ByResourceArn=res)["BackupJobs"]), 1)
    E.admin("POST", "/faults", {"kind": "job_hang", "job": "backup"})
    hung = r.call("backup", "StartBackupJob", BackupVaultName="cv", ResourceArn=res,
                  IamRoleArn=BACKUP_ROLE.format(PROD))["BackupJobId"]
    time.sleep(0.5)
    r.call("backup", "StopBackupJob", BackupJobId=hung)
    rp = job["RecoveryPointArn"]
    t.assertEqual(r.call("backup", "DescribeRecoveryPoint", BackupVaultName="cv", RecoveryPointArn=rp)
                  ["Status"], "COMPLETED")
    t.assertEqual(len(r.call("backup", "ListRecoveryPointsByBackupVault", BackupVaultName="cv")
                      ["RecoveryPoints"]), 1)
    t.assertEqual(len(r.call("backup", "ListRecoveryPointsByResource", ResourceArn=res)["RecoveryPoints"]), 1)
    r.call("backup", "UpdateRecoveryPointLifecycle", BackupVaultName="cv", RecoveryPointArn=rp,
           Lifecycle={"DeleteAfterDays": 30})
    md = r.call("backup", "GetRecoveryPointRestoreMetadata", BackupVaultName="cv", RecoveryPointArn=rp)
    t.assertEqual(md["RestoreMetadata"]["DBInstanceIdentifier"], "bk-db")
    cj = r.call("backup", "StartCopyJob", RecoveryPointArn=rp, SourceBackupVaultName="cv",
                DestinationBackupVaultArn=f"arn:aws:backup:{EAST}:{DR}:backup-vault:dv",
                IamRoleArn=BACKUP_ROLE.format(PROD))["CopyJobId"]
    wait_job(E, cj)
    t.assertEqual(r.call("backup", "DescribeCopyJob", CopyJobId=cj)["CopyJob"]["State"], "COMPLETED")
    t.assertEqual(len(r.call("backup", "ListCopyJobs")["CopyJobs"]), 1)
    rj = r.call("backup", "StartRestoreJob", RecoveryPointArn=rp, IamRoleArn=BACKUP_ROLE.format(PROD),
                Metadata={"DBInstanceIdentifier": "bk-restored"})["RestoreJobId"]
    wait_job(E, rj)
    t.assertEqual(r.call("backup", "DescribeRestoreJob", RestoreJobId=rj)["Status"], "COMPLETED")
    t.assertEqual(len(r.call("backup", "ListRestoreJobs")["RestoreJobs"]), 1)
    r.error("InvalidParameterValueException", "backup", "StartRestoreJob", RecoveryPointArn=rp,
            IamRoleArn=BACKUP_ROLE.format(PROD), Metadata={})
    r.call("backup", "DeleteRecoveryPoint", BackupVaultName="cv", RecoveryPointArn=rp)
    r.error("ResourceNotFoundException", "backup", "DescribeRecoveryPoint", BackupVaultName="cv",
            RecoveryPointArn=rp)
    r.error("ResourceNotFoundException", "backup", "DescribeBackupVault", BackupVaultName="nope")


STEPS = [sts, kms, sns, ec2, efs, s3, rds, backup]
