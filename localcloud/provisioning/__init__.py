"""Provisioning from the cloud assembly: what `cdk synth` wrote becomes resources in the local AWS.

| module | what |
|---|---|
| `assembly.py` | the synthesized cloud assembly (`cdk.out`), re-synthesized when sources change |
| `provisioner.py` | `Provisioner`: every template resource named, then created, or refused by name |
| `namers.py` | physical ids and `Ref` / `Fn::GetAtt` values per resource type |
| `creators.py` | local behaviour per resource type (tables, buckets, functions, state machines, the REST API, secrets) |
| `generated_secrets.py` | `GenerateSecretString` as CloudFormation generates it |
| `stack.py` | `ProvisionedStack`: what the local cloud serves |

Intrinsic functions are resolved by `localcloud/provisioning/intrinsics.py`.
"""

from localcloud.provisioning.assembly import PROJECT_ROOT, Assembly, AssemblyError, ensure_assembly
from localcloud.provisioning.generated_secrets import generate_secret_string
from localcloud.provisioning.provisioner import Provisioner
from localcloud.provisioning.stack import ProvisionedStack

__all__ = ["PROJECT_ROOT", "Assembly", "AssemblyError", "ProvisionedStack", "Provisioner", "ensure_assembly",
           "generate_secret_string"]
