"""Imported once by the workers' fork server (`worker_forks.py`): what the handlers import, shared by every fork.

multiprocessing's step that runs the parent's main module again in each fork is switched off: a
worker runs `worker_main`, whatever started the local cloud. The base environment is set before
the imports, so a package that reads a variable on import sees the workers' value. Then the
pages are frozen out of the garbage collector, whose passes would otherwise write to every
shared object and copy its page into each worker. botocore's parsed data files are shared too
(`shared_botocore_data.py`).
"""

import gc
import os
from multiprocessing import spawn

from localcloud.lambda_runtime.contract import LOCAL_BASE_ENVIRONMENT

# A fork runs worker_main, never the parent's main module: multiprocessing would run a parent's script again in each.
spawn._fixup_main_from_path = spawn._fixup_main_from_name = lambda _main: None
os.environ.update(LOCAL_BASE_ENVIRONMENT)

import aws_lambda_powertools  # noqa: E402
import aws_lambda_powertools.metrics  # noqa: E402
import aws_lambda_powertools.utilities.data_classes  # noqa: E402
import aws_lambda_powertools.utilities.typing  # noqa: E402
import aws_xray_sdk.core  # noqa: E402 - Powertools' Tracer imports it even when tracing is off
import boto3  # noqa: E402
import botocore.client  # noqa: E402
import botocore.exceptions  # noqa: E402
import pydantic  # noqa: E402
from pydantic import BaseModel, ConfigDict, Field  # noqa: E402, F401 - pydantic imports its parts on first use

import localcloud.lambda_runtime.worker_main  # noqa: E402
from localcloud.lambda_runtime.shared_botocore_data import share_parsed_data  # noqa: E402

__all__ = ["aws_lambda_powertools", "aws_xray_sdk", "boto3", "botocore", "pydantic", "localcloud"]

share_parsed_data(["dynamodb", "stepfunctions", "rekognition", "secretsmanager"])  # what functions/ call
gc.freeze()
