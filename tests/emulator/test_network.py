"""EC2 networking as AWS enforces it, driven by the AWS CLI and botocore:
Availability Zones, subnets (zone, CIDR inside the VPC, no overlap),
security groups and their rules, internet gateways, tag specifications,
DeleteVpc's dependencies, the /seed/network admin call and the ground
truth of live networks."""
import unittest

from emu import require, Emulator, CliError
from netsupport import use, c, refused, network, alive_ids, EAST, WEST

E = None


def setUpModule():
    global E
    require()
    E = Emulator().start()
    use(E)


def tearDownModule():
    E.cleanup()


class Zones(unittest.TestCase):
    def test_three_zones_per_region_with_filters(self):
        for region, code in ((EAST, "use1"), (WEST, "usw2")):
            zs = E.aws("dr", "ec2", "describe-availability-zones", region=region)["AvailabilityZones"]
            self.assertEqual([z["ZoneName"] for z in zs], [region + x for x in "abc"])
            self.assertEqual([z["ZoneId"] for z in zs], [f"{code}-az{i}" for i in (1, 2, 3)])
            self.assertEqual({z["State"] for z in zs}, {"available"})
            self.assertEqual({z["RegionName"] for z in zs}, {region})
        ec2 = c("ec2", region=EAST)
        got = ec2.describe_availability_zones(Filters=[{"Name": "zone-name",
                                                        "Values": ["us-east-1b"]}])
        self.assertEqual([z["ZoneName"] for z in got["AvailabilityZones"]], ["us-east-1b"])
        got = ec2.describe_availability_zones(Filters=[{"Name": "state", "Values": ["available"]},
                                                       {"Name": "region-name", "Values": [EAST]}])
        self.assertEqual(len(got["AvailabilityZones"]), 3)
        got = ec2.describe_availability_zones(Filters=[{"Name": "region-name", "Values": [WEST]}])
        self.assertEqual(got["AvailabilityZones"], [])
        got = ec2.describe_availability_zones(Filters=[{"Name": "state", "Values": ["impaired"]}])
        self.assertEqual(got["AvailabilityZones"], [])
        got = ec2.describe_availability_zones(ZoneIds=["use1-az3"])["AvailabilityZones"]
        self.assertEqual([z["ZoneName"] for z in got], ["us-east-1c"])
        refused(self, "InvalidParameterValue", ec2.describe_availability_zones,
                ZoneNames=["us-east-1z"])
        refused(self, "InvalidParameterValue", ec2.describe_availability_zones,
                ZoneNames=["us-west-2a"])


class Subnets(unittest.TestCase):
    def test_zone_cidr_and_describe(self):
        ec2 = c("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
        first = E.aws("dr", "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.10.0.0/24",
                      "--tag-specifications", "ResourceType=subnet,Tags=[{Key=drh:run-id,Value=n1}]",
                      region=WEST)["Subnet"]
        self.assertEqual(first["AvailabilityZone"], "us-west-2a")     # the region's first zone
        self.assertEqual(first["AvailabilityZoneId"], "usw2-az1")
        self.assertEqual(first["Tags"], [{"Key": "drh:run-id", "Value": "n1"}])
        by_id = ec2.create_subnet(VpcId=vpc, CidrBlock="10.10.1.0/24",
                                  AvailabilityZoneId="usw2-az3")["Subnet"]
        self.assertEqual(by_id["AvailabilityZone"], "us-west-2c")
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.10.2.0/24", AvailabilityZone="us-west-2b")
        d = ec2.describe_subnets(SubnetIds=[first["SubnetId"]])["Subnets"][0]
        for k, v in (("AvailabilityZone", "us-west-2a"), ("AvailabilityZoneId", "usw2-az1"),
                     ("CidrBlock", "10.10.0.0/24"), ("VpcId", vpc), ("MapPublicIpOnLaunch", False),
                     ("AvailableIpAddressCount", 251), ("State", "available")):
            self.assertEqual(d[k], v, k)
        self.assertEqual(d["Tags"], [{"Key": "drh:run-id", "Value": "n1"}])
        zone_b = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {
            "Name": "availability-zone", "Values": ["us-west-2b"]}])["Subnets"]
        self.assertEqual([s["CidrBlock"] for s in zone_b], ["10.10.2.0/24"])
        tagged = ec2.describe_subnets(Filters=[{"Name": "tag:drh:run-id", "Values": ["n1"]}])
        self.assertEqual([s["SubnetId"] for s in tagged["Subnets"]], [first["SubnetId"]])

    def test_refusals(self):
        ec2 = c("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.11.0.0/16")["Vpc"]["VpcId"]
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.11.4.0/22")
        msg = refused(self, "InvalidSubnet.Conflict", ec2.create_subnet, VpcId=vpc,
                      CidrBlock="10.11.5.0/24")
        self.assertIn("10.11.5.0/24", msg)
        refused(self, "InvalidSubnet.Conflict", ec2.create_subnet, VpcId=vpc, CidrBlock="10.11.0.0/20")
        refused(self, "InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc, CidrBlock="10.12.0.0/24")
        refused(self, "InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc, CidrBlock="10.11.8.0/29")
        refused(self, "InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.0.0/8")
        refused(self, "InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.11.9.0/24",
                AvailabilityZone="us-east-1a")
        refused(self, "InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.11.9.0/24",
                AvailabilityZoneId="use1-az1")
        refused(self, "InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.11.9.7/24")
        refused(self, "InvalidVpcID.NotFound", ec2.create_subnet, VpcId="vpc-0000000000000000a",
                CidrBlock="10.11.9.0/24")
        # a VPC of another account or Region is not found either
        refused(self, "InvalidVpcID.NotFound", c("ec2", region=EAST).create_subnet, VpcId=vpc,
                CidrBlock="10.11.9.0/24")
        refused(self, "InvalidVpcID.NotFound", c("ec2", "production").create_subnet, VpcId=vpc,
                CidrBlock="10.11.9.0/24")
        refused(self, "InvalidVpc.Range", ec2.create_vpc, CidrBlock="10.0.0.0/8")
        # the same CIDR in another VPC is fine
        other = ec2.create_vpc(CidrBlock="10.11.0.0/16")["Vpc"]["VpcId"]
        ec2.create_subnet(VpcId=other, CidrBlock="10.11.5.0/24")
        self.assertEqual(len(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
                             ["Subnets"]), 1)


class GroupsAndGateways(unittest.TestCase):
    def test_security_group_rules_filters_tags(self):
        ec2 = c("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=[{
            "ResourceType": "vpc", "Tags": [{"Key": "drh:run-id", "Value": "g1"}]}])["Vpc"]
        self.assertEqual(vpc["Tags"], [{"Key": "drh:run-id", "Value": "g1"}])
        vpc = vpc["VpcId"]
        other = ec2.create_vpc(CidrBlock="10.21.0.0/16")["Vpc"]["VpcId"]
        sg = E.aws("dr", "ec2", "create-security-group", "--group-name", "runner-only",
                   "--description", "drill", "--vpc-id", vpc, "--tag-specifications",
                   "ResourceType=security-group,Tags=[{Key=drh:run-id,Value=g1}]",
                   region=WEST)["GroupId"]
        ec2.create_security_group(GroupName="runner-only", Description="d", VpcId=other)
        refused(self, "InvalidGroup.Duplicate", ec2.create_security_group, GroupName="runner-only",
                Description="d", VpcId=vpc)
        refused(self, "VPCIdNotSpecified", ec2.create_security_group, GroupName="x", Description="d")
        refused(self, "MissingParameter", ec2.create_security_group, GroupName="x", Description="",
                VpcId=vpc)
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
            "IpRanges": [{"CidrIp": "203.0.113.7/32"}]}])
        refused(self, "InvalidPermission.Duplicate", ec2.authorize_security_group_ingress, GroupId=sg,
                IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                                "IpRanges": [{"CidrIp": "203.0.113.7/32"}]}])
        g = E.aws("dr", "ec2", "describe-security-groups", "--group-ids", sg,
                  region=WEST)["SecurityGroups"][0]
        self.assertEqual(g["VpcId"], vpc)
        self.assertEqual(g["IpPermissions"][0]["IpRanges"], [{"CidrIp": "203.0.113.7/32"}])
        self.assertEqual(g["IpPermissions"][0]["FromPort"], 5432)
        self.assertEqual(g["IpPermissionsEgress"][0]["IpRanges"], [{"CidrIp": "0.0.0.0/0"}])
        self.assertEqual(g["Tags"], [{"Key": "drh:run-id", "Value": "g1"}])
        in_vpc = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
        self.assertEqual(sorted(x["GroupName"] for x in in_vpc["SecurityGroups"]),
                         ["default", "runner-only"])
        by_id = ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [sg]}])
        self.assertEqual([x["GroupId"] for x in by_id["SecurityGroups"]], [sg])
        by_tag = ec2.describe_security_groups(Filters=[{"Name": "tag:drh:run-id", "Values": ["g1"]}])
        self.assertEqual([x["GroupId"] for x in by_tag["SecurityGroups"]], [sg])
        none = ec2.describe_security_groups(Filters=[{"Name": "tag:drh:run-id", "Values": ["zz"]}])
        self.assertEqual(none["SecurityGroups"], [])
        refused(self, "InvalidGroup.NotFound", ec2.describe_security_groups,
                GroupIds=["sg-00000000000000000"])
        default = [x for x in in_vpc["SecurityGroups"] if x["GroupName"] == "default"][0]
        refused(self, "CannotDelete", ec2.delete_security_group, GroupId=default["GroupId"])
        # a group that another group's rule names cannot go first
        ref = ec2.create_security_group(GroupName="clients", Description="d", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "UserIdGroupPairs": [{"GroupId": ref}]}])
        refused(self, "DependencyViolation", ec2.delete_security_group, GroupId=ref)
        ec2.delete_security_group(GroupId=sg)
        ec2.delete_security_group(GroupId=ref)
        refused(self, "InvalidGroup.NotFound", ec2.delete_security_group, GroupId=sg)

    def test_internet_gateway_attachment_filter(self):
        ec2 = c("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.22.0.0/16")["Vpc"]["VpcId"]
        igw = ec2.create_internet_gateway(TagSpecifications=[{
            "ResourceType": "internet-gateway", "Tags": [{"Key": "drh:run-id", "Value": "i1"}]}]
        )["InternetGateway"]["InternetGatewayId"]
        loose = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        flt = [{"Name": "attachment.vpc-id", "Values": [vpc]}]
        self.assertEqual(ec2.describe_internet_gateways(Filters=flt)["InternetGateways"], [])
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        got = E.aws("dr", "ec2", "describe-internet-gateways", "--filters",
                    f"Name=attachment.vpc-id,Values={vpc}", region=WEST)["InternetGateways"]
        self.assertEqual([g["InternetGatewayId"] for g in got], [igw])
        self.assertEqual(got[0]["Attachments"], [{"State": "available", "VpcId": vpc}])
        self.assertEqual(got[0]["Tags"], [{"Key": "drh:run-id", "Value": "i1"}])
        refused(self, "Resource.AlreadyAssociated", ec2.attach_internet_gateway,
                InternetGatewayId=igw, VpcId=vpc)
        refused(self, "DependencyViolation", ec2.delete_vpc, VpcId=vpc)
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        ec2.delete_internet_gateway(InternetGatewayId=igw)
        ec2.delete_internet_gateway(InternetGatewayId=loose)
        ec2.delete_vpc(VpcId=vpc)

    def test_delete_vpc_needs_subnets_and_groups_gone(self):
        ec2 = c("ec2")
        vpc, subs, sg = network("10.23.0.0/16", zones=("a",))
        refused(self, "DependencyViolation", ec2.delete_vpc, VpcId=vpc)
        ec2.delete_subnet(SubnetId=subs[0])
        msg = refused(self, "DependencyViolation", ec2.delete_vpc, VpcId=vpc)   # the group
        self.assertIn(vpc, msg)
        ec2.delete_security_group(GroupId=sg)
        ec2.delete_vpc(VpcId=vpc)        # its default group goes with it
        refused(self, "InvalidVpcID.NotFound", ec2.describe_vpcs, VpcIds=[vpc])
        self.assertEqual(ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
                         ["SecurityGroups"], [])


class SeedAndTruth(unittest.TestCase):
    BODY = {"profile": "dr", "vpc": {"id": "vpc-0seed0test", "cidr": "10.50.0.0/16",
                                     "tags": {"drh:run-id": "seed-1"}},
            "subnets": [{"id": "subnet-0seed0a", "az": "us-west-2a", "cidr": "10.50.1.0/24"},
                        {"id": "subnet-0seed0b", "az": "us-west-2b", "cidr": "10.50.2.0/24",
                         "tags": {"drh:run-id": "seed-1"}}],
            "security_groups": [{"id": "sg-0seed0runner", "name": "runner",
                                 "ingress_cidrs": ["198.51.100.0/24"],
                                 "tags": {"drh:run-id": "seed-1"}}]}

    def test_seed_network_with_chosen_ids(self):
        out = E.admin("POST", "/seed/network", self.BODY)
        self.assertEqual(out["vpc_id"], "vpc-0seed0test")
        self.assertEqual([s["id"] for s in out["subnets"]], ["subnet-0seed0a", "subnet-0seed0b"])
        self.assertTrue(out["default_security_group_id"].startswith("sg-"))
        ec2 = c("ec2")
        subs = ec2.describe_subnets(SubnetIds=["subnet-0seed0a", "subnet-0seed0b"])["Subnets"]
        self.assertEqual({(s["SubnetId"], s["AvailabilityZone"], s["VpcId"]) for s in subs},
                         {("subnet-0seed0a", "us-west-2a", "vpc-0seed0test"),
                          ("subnet-0seed0b", "us-west-2b", "vpc-0seed0test")})
        g = E.aws("dr", "ec2", "describe-security-groups", "--group-ids", "sg-0seed0runner",
                  region=WEST)["SecurityGroups"][0]
        self.assertEqual(g["VpcId"], "vpc-0seed0test")
        self.assertEqual(g["IpPermissions"][0]["IpRanges"], [{"CidrIp": "198.51.100.0/24"}])
        self.assertEqual(g["Tags"], [{"Key": "drh:run-id", "Value": "seed-1"}])
        # the same IDs in another Region of the account
        east = dict(self.BODY, region=EAST, subnets=[dict(s, az=s["az"].replace(WEST, EAST))
                                                     for s in self.BODY["subnets"]])
        E.admin("POST", "/seed/network", east)
        self.assertEqual(c("ec2", region=EAST).describe_subnets(SubnetIds=["subnet-0seed0a"])
                         ["Subnets"][0]["AvailabilityZone"], "us-east-1a")
        # refusals: taken IDs, malformed IDs, and AWS's own checks (nothing is left behind)
        for body, status in ((self.BODY, "409"),
                             (dict(self.BODY, profile="production", vpc={"id": "vpc_x",
                                                                         "cidr": "10.9.0.0/16"}), "400"),
                             ({"profile": "production", "vpc": {"id": "vpc-0half", "cidr": "10.9.0.0/16"},
                               "subnets": [{"id": "subnet-0half", "az": "us-east-1a",
                                            "cidr": "10.8.0.0/24"}]}, "400"),
                             ({"profile": "production", "vpc": {"id": "vpc-0half", "cidr": "10.9.0.0/16"},
                               "subnets": [{"az": "us-west-2a", "cidr": "10.9.0.0/24"}]}, "400")):
            with self.assertRaises(CliError) as cm:
                E.admin("POST", "/seed/network", body)
            self.assertEqual(cm.exception.code, status, cm.exception.text)
        refused(self, "InvalidVpcID.NotFound", c("ec2", "production", EAST).describe_vpcs,
                VpcIds=["vpc-0half"])

    def test_truth_lists_live_networks_with_tags(self):
        ec2, rds = c("ec2", region=EAST), c("rds", region=EAST)
        tag = [{"Key": "drh:run-id", "Value": "t-9"}]
        vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": tag}])["Vpc"]["VpcId"]
        subs = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.60.{i}.0/24", AvailabilityZone=EAST + z,
                                  TagSpecifications=[{"ResourceType": "subnet", "Tags": tag}])
                ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
        sg = ec2.create_security_group(GroupName="t", Description="t", VpcId=vpc, TagSpecifications=[
            {"ResourceType": "security-group", "Tags": tag}])["GroupId"]
        igw = ec2.create_internet_gateway(TagSpecifications=[
            {"ResourceType": "internet-gateway", "Tags": tag}])["InternetGateway"]["InternetGatewayId"]
        rds.create_db_subnet_group(DBSubnetGroupName="t-9", DBSubnetGroupDescription="t",
                                   SubnetIds=subs, Tags=tag)

        def of_run():
            out = {}
            for a in E.admin("GET", "/truth/alive")["alive"]:
                tags = a.get("tags") or {}
                if isinstance(tags, list):
                    tags = {t["Key"]: t["Value"] for t in tags}
                if tags.get("drh:run-id") == "t-9":
                    out[a["type"]] = out.get(a["type"], set()) | {a["id"]}
            return out
        self.assertEqual(of_run(), {"vpc": {vpc}, "subnet": set(subs), "security-group": {sg},
                                    "internet-gateway": {igw}, "subnet-group": {"t-9"}})
        default = [g["GroupId"] for g in ec2.describe_security_groups(Filters=[
            {"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])
            ["SecurityGroups"]]
        self.assertEqual(len(default), 1)
        self.assertNotIn(default[0], alive_ids())     # default groups are not listed
        rds.delete_db_subnet_group(DBSubnetGroupName="t-9")
        ec2.delete_internet_gateway(InternetGatewayId=igw)
        ec2.delete_security_group(GroupId=sg)
        for s in subs:
            ec2.delete_subnet(SubnetId=s)
        ec2.delete_vpc(VpcId=vpc)
        self.assertEqual(of_run(), {})
        gone = [a for a in E.admin("GET", "/truth/alive")["alive"] if a["id"] in (vpc, sg, igw, *subs)]
        self.assertEqual(gone, [])


if __name__ == "__main__":
    unittest.main()
