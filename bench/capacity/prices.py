"""AWS list prices, us-east-1, USD, on-demand, without free tiers (they vanish at scale).

Each constant names the page it was read from. Read on 2026-12-03; AWS renders most pricing tables
client-side, so where the page text itself did not show the figure the second source is named.
"""

from __future__ import annotations

READ_ON = "2026-12-03"
REGION = "us-east-1"

# https://aws.amazon.com/step-functions/pricing/ : Standard, $0.025 per 1,000 state transitions (retries count).
SFN_STANDARD_PER_TRANSITION = 0.025 / 1000
# Same page: Express, $1.00 per million requests; duration rounded up to 100 ms, memory billed in 64-MB chunks,
# $0.00001667 per GB-second for the first 1,000 GB-hours a month.
SFN_EXPRESS_PER_REQUEST = 1.00 / 1_000_000
SFN_EXPRESS_PER_GB_SECOND = 0.00001667
SFN_EXPRESS_DURATION_STEP_MS = 100
SFN_EXPRESS_MEMORY_STEP_MB = 64

# https://aws.amazon.com/lambda/pricing/ : $0.20 per million requests; duration in 1 ms steps,
# x86 $0.0000166667 and Arm $0.0000133334 per GB-second (first 6 / 7.5 billion GB-s a month).
LAMBDA_PER_REQUEST = 0.20 / 1_000_000
LAMBDA_PER_GB_SECOND = {"x86_64": 0.0000166667, "arm64": 0.0000133334}

# https://aws.amazon.com/dynamodb/pricing/on-demand/ : on-demand, Standard table class,
# $0.625 per million write request units, $0.125 per million read request units (since 2024-11-01).
DYNAMODB_PER_WRITE_UNIT = 0.625 / 1_000_000
DYNAMODB_PER_READ_UNIT = 0.125 / 1_000_000

# https://aws.amazon.com/api-gateway/pricing/ : REST APIs $3.50 per million requests (first 333 million);
# WebSocket APIs $1.00 per million messages (first billion, metered in 32 KB steps) and
# $0.25 per million connection minutes.
APIGW_REST_PER_REQUEST = 3.50 / 1_000_000
APIGW_WEBSOCKET_PER_MESSAGE = 1.00 / 1_000_000
APIGW_WEBSOCKET_MESSAGE_STEP_BYTES = 32 * 1024
APIGW_WEBSOCKET_PER_CONNECTION_MINUTE = 0.25 / 1_000_000
# Same page, REST API caching, per hour by cache size (GB, as CacheClusterSize spells it).
APIGW_CACHE_PER_HOUR = {"0.5": 0.020, "1.6": 0.038, "6.1": 0.200, "13.5": 0.250, "28.4": 0.500,
                        "58.2": 1.000, "118": 1.900, "237": 3.800}

# https://aws.amazon.com/cloudwatch/pricing/ : Logs, Standard log class, $0.50 per GB ingested;
# each log event counts 26 bytes of metadata beside its message (CloudWatch Logs PutLogEvents quotas).
CLOUDWATCH_LOGS_PER_GB = 0.50
CLOUDWATCH_LOG_EVENT_OVERHEAD_BYTES = 26

# https://aws.amazon.com/secrets-manager/pricing/ : $0.05 per 10,000 API calls ($0.40 per secret-month aside).
SECRETS_MANAGER_PER_CALL = 0.05 / 10_000

# https://aws.amazon.com/rekognition/pricing/ : DetectLabels is a Group 2 API, $0.001 per image for the first
# million images a month. The IMAGE_PROPERTIES feature the label worker asks for is priced apart on that page;
# its figure was not in the text we could read, so it is left out (the recognition cost is a floor).
REKOGNITION_DETECT_LABELS_PER_IMAGE = 0.001
