"""Domain modules stay free of AWS SDK imports; only the adapter modules talk to AWS."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "functions" / "stepgate_jobs"
ADAPTERS = {"aws_clients", "s3_image_objects", "rekognition_labels", "dynamodb_users", "dynamodb_offers",
            "dynamodb_cancellations", "sfn_executions", "secretsmanager_secrets", "http_callbacks"}
DOMAIN_MODULES = sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem not in ADAPTERS | {"__init__"})


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_does_not_import_aws_code(module):
    # Given a domain module / Then neither boto3, botocore nor an adapter is imported
    imports = imported_modules(PACKAGE / f"{module}.py")
    assert not {name for name in imports if name.split(".")[0] in {"boto3", "botocore"}}
    assert not {name for name in imports if name.split(".")[-1] in ADAPTERS}


def test_the_domain_package_has_modules_to_check():
    assert {"search", "validation", "labels", "users", "offers", "cancellation"} <= set(DOMAIN_MODULES)
