"""`make capacity`: what a job costs on AWS and which quota a job rate meets first.

The figures come from the synthesized template (memory sizes, architectures, machine types, logging,
usage plan, stage cache) and from real executions on the local cloud (transitions, Lambda durations,
DynamoDB request units, API calls), priced and limited by the constants in `prices.py` and `quotas.py`.
"""
