"""How AWS SDK tasks are named in execution history: AWS's way locally, Step Functions Local's on its stand-in.

AWS (LocalStack's snapshot recorded on AWS, tests/aws/services/stepfunctions/v2/services/
test_aws_sdk_task_service.snapshot.json, test_list_secrets): `resourceType: "aws-sdk:secretsmanager"`,
`resource: "listSecrets"`. Step Functions Local (aws-samples/aws-stepfunctions-examples,
sam/app-local-testing-mock-config/README.md): `"aws-sdk"`, `"comprehend:detectSentiment"` - checked on
`python -m localcloud sfn` by the suites in this folder.
"""

import boto3

from tests.compat.sfn_in_process import create, local_step_functions, run


def test_the_local_cloud_names_aws_sdk_tasks_as_aws_does():
    with local_step_functions() as sfn:
        queue = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="names")["QueueUrl"]
        arn = create(sfn, "SdkTask", {"StartAt": "Send", "States": {"Send": {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage", "End": True,
            "Parameters": {"QueueUrl": queue, "MessageBody": "hello"}}}})

        execution = run(sfn, arn, name="named")
        events = sfn.get_execution_history(executionArn=execution["executionArn"])["events"]

    assert execution["status"] == "SUCCEEDED", execution
    task_events = [event[key] for event in events for key in event
                   if key in ("taskScheduledEventDetails", "taskStartedEventDetails", "taskSucceededEventDetails")]
    assert [(details["resourceType"], details["resource"]) for details in task_events] == [
        ("aws-sdk:sqs", "sendMessage")] * 3
