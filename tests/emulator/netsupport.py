"""Support for the network tests: botocore clients of the running emulator
(Debian's python3-botocore), a refusal check, a small VPC."""
import os

try:
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:          # require() skips the calling module
    botocore = ClientError = None

EAST, WEST = "us-east-1", "us-west-2"
_CLIENTS = {}
_EMU = []


def use(emulator):
    """Point botocore at emulator's profiles (call from setUpModule)."""
    for k in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[k]
    os.environ.update({"AWS_CONFIG_FILE": f"{emulator.state}/aws/config",
                       "AWS_EC2_METADATA_DISABLED": "true",
                       "AWS_SHARED_CREDENTIALS_FILE": f"{emulator.state}/aws/credentials"})
    _EMU[:] = [emulator]
    _CLIENTS.clear()


def c(service, profile="dr", region=WEST):
    k = (service, profile, region)
    if k not in _CLIENTS:
        s = botocore.session.Session(profile=profile)
        _CLIENTS[k] = s.create_client(service, region_name=region, endpoint_url=_EMU[0].endpoint,
                                      config=Config(retries={"max_attempts": 1}))
    return _CLIENTS[k]


def refused(t, code, fn, **kw):
    """fn(**kw) must fail with AWS error code -> its message."""
    with t.assertRaises(ClientError) as cm:
        fn(**kw)
    err = cm.exception.response["Error"]
    t.assertEqual(err["Code"], code, err)
    t.assertTrue(err.get("Message"), err)
    return err["Message"]


def network(cidr, zones=("a", "b"), region=WEST, profile="dr"):
    """A VPC with a /24 subnet per zone and one security group -> (vpc, [subnets], sg)."""
    ec2 = c("ec2", profile, region)
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.rsplit(".", 2)[0]
    subs = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{i + 1}.0/24",
                              AvailabilityZone=region + z)["Subnet"]["SubnetId"]
            for i, z in enumerate(zones)]
    sg = ec2.create_security_group(GroupName="g-" + vpc, Description="test", VpcId=vpc)["GroupId"]
    return vpc, subs, sg


def alive_ids():
    return {a["id"] for a in _EMU[0].admin("GET", "/truth/alive")["alive"]}
