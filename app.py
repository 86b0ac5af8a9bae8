#!/usr/bin/env python3
"""The Stepgate CDK app. Makes no AWS calls: synthesizes offline, without credentials.

`CDK_OUTDIR` (set by the CDK CLI, or by hand) chooses where the cloud assembly goes.
"""

import json
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from stacks.stepgate_stack import StepgateStack

# The CLI passes cdk.json's context itself (and lets `-c` override it); `python app.py` alone does not,
# so it is given here as defaults. CLI-provided context takes precedence over these.
CDK_JSON_CONTEXT = json.loads((Path(__file__).resolve().parent / "cdk.json").read_text())["context"]

app = cdk.App(context=CDK_JSON_CONTEXT)
# Environment-agnostic: one template deploys to any account and region (the CLI's credentials pick).
StepgateStack(
    app,
    "Stepgate",
    description="Stepgate: asynchronous request/reply API (API Gateway -> Step Functions -> Lambda/DynamoDB)",
)
# cdk-nag 3.x: findings not acknowledged in stacks/nag_acknowledgements.py fail synthesis.
cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
app.synth()
