"""Every change the local cloud makes to moto's behaviour, installed and removed as one set.

The local cloud server and the in-process workflow harness must run the same moto, so
both call these two functions instead of keeping their own lists. Installs nest (a session's
moto server and a module's in-process mock can overlap in one test process): only the outermost
pair patches and unpatches, and each uninstall gives back the enclosing caller's wait scale.
"""

from __future__ import annotations

# First: registers moto.batch before the interpreter modules imported below import it.
import localcloud.moto_changes.lazy_batch  # noqa: F401
from localcloud.moto_changes.api_quotas import install_api_quotas, uninstall_api_quotas
from localcloud.moto_changes.dynamodb_queries import install_partition_queries, uninstall_partition_queries
from localcloud.moto_changes.dynamodb_transactions import (
    install_transaction_without_table_copies,
    uninstall_transaction_without_table_copies,
)
from localcloud.moto_changes.request_dispatch import install_request_dispatch_caches, uninstall_request_dispatch_caches
from localcloud.moto_changes.random_ids import install_random_ids, uninstall_random_ids
from localcloud.moto_changes.rekognition import install_into_moto as install_local_rekognition
from localcloud.moto_changes.stepfunctions.context_times import install_aws_context_times, uninstall_aws_context_times
from localcloud.moto_changes.stepfunctions.caches import install_interpreter_caches, uninstall_interpreter_caches
from localcloud.moto_changes.stepfunctions.ended_executions import install_ended_executions, uninstall_ended_executions
from localcloud.moto_changes.stepfunctions.definition_validation import install_definition_validation, uninstall_definition_validation
from localcloud.moto_changes.stepfunctions.execution_index import install_execution_index, uninstall_execution_index
from localcloud.moto_changes.stepfunctions.execution_names import install_generated_execution_names, uninstall_generated_execution_names
from localcloud.moto_changes.stepfunctions.history_paging import install_history_paging, uninstall_history_paging
from localcloud.moto_changes.stepfunctions.interpreter_threads import (
    install_light_interpreter_threads,
    uninstall_light_interpreter_threads,
)
from localcloud.moto_changes.stepfunctions.mock_config import install_mock_config_support, uninstall_mock_config_support
from localcloud.moto_changes.stepfunctions.service_integrations import (
    install_service_integration_casing,
    uninstall_service_integration_casing,
)
from localcloud.moto_changes.stepfunctions.state_copies import install_state_copies, uninstall_state_copies
from localcloud.moto_changes.stepfunctions.stop import install_synchronous_stop, uninstall_synchronous_stop
from localcloud.moto_changes.stepfunctions.sync_execution import install_start_sync_execution, uninstall_start_sync_execution
from localcloud.moto_changes.stepfunctions.timing import install_wait_time_scale, uninstall_wait_time_scale
from localcloud.moto_changes.user_agents import install_user_agent_cache, uninstall_user_agent_cache
from localcloud.moto_changes.websocket_connections import install_websocket_connections, uninstall_websocket_connections


_scales: list[float] = []


def install_local_behaviour(wait_time_scale: float) -> None:
    _scales.append(wait_time_scale)
    install_wait_time_scale(wait_time_scale)
    if len(_scales) > 1:
        return
    install_request_dispatch_caches()
    install_user_agent_cache()
    install_random_ids()
    install_local_rekognition()
    install_mock_config_support()
    install_interpreter_caches()
    install_state_copies()
    install_ended_executions()
    install_transaction_without_table_copies()
    install_partition_queries()
    install_synchronous_stop()
    install_start_sync_execution()
    install_service_integration_casing()
    install_definition_validation()
    install_generated_execution_names()  # after mock config support: it wraps what is installed
    install_history_paging()
    install_execution_index()
    install_light_interpreter_threads()
    install_aws_context_times()
    install_api_quotas()  # LOCALCLOUD_AWS_QUOTAS: off unless set
    install_websocket_connections()


def uninstall_local_behaviour() -> None:
    if _scales:
        _scales.pop()
    if _scales:
        install_wait_time_scale(_scales[-1])
        return
    uninstall_websocket_connections()
    uninstall_api_quotas()
    uninstall_aws_context_times()
    uninstall_light_interpreter_threads()
    uninstall_execution_index()
    uninstall_history_paging()
    uninstall_generated_execution_names()
    uninstall_definition_validation()
    uninstall_service_integration_casing()
    uninstall_start_sync_execution()
    uninstall_synchronous_stop()
    uninstall_ended_executions()
    uninstall_partition_queries()
    uninstall_transaction_without_table_copies()
    uninstall_state_copies()
    uninstall_interpreter_caches()
    uninstall_wait_time_scale()
    uninstall_mock_config_support()
    uninstall_random_ids()
    uninstall_user_agent_cache()
    uninstall_request_dispatch_caches()
