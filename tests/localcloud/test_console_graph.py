"""Nested states as the console draws them: a Map's item processor and Parallel branches in containers."""

from localcloud.console.graph import END, START, workflow_graph

# The shape of the nested-Map example in the Step Functions developer guide's tutorial
# "Examining state machine executions" (awsdocs/aws-step-functions-developer-guide, doc_source/debug-sm-exec-using-ui.md).
NESTED_MAPS = {
    "StartAt": "LoopOverStores",
    "States": {
        "LoopOverStores": {"Type": "Map", "Iterator": {"StartAt": "GetListOfFruits", "States": {
            "GetListOfFruits": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "LoopOverFruits"},
            "LoopOverFruits": {"Type": "Map", "Iterator": {"StartAt": "GetFruitPrice", "States": {
                "GetFruitPrice": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}}},
                "End": True}}},
            "Next": "LoopOverStoreFruitsPrice"},
        "LoopOverStoreFruitsPrice": {"Type": "Map", "End": True, "ItemProcessor": {"StartAt": "CalculateAverage", "States": {
            "CalculateAverage": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}}}},
    },
}

PARALLEL = {
    "StartAt": "Both",
    "States": {
        "Both": {"Type": "Parallel", "Next": "Done", "Branches": [
            {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
            {"StartAt": "Right", "States": {"Right": {"Type": "Fail", "Error": "Nope"}}},
        ], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]},
        "Recover": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


def _parents(graph):
    return {node["id"]: node.get("parent") for node in graph["nodes"]}


def _edges(graph):
    return {(edge["source"], edge["target"], edge["kind"]) for edge in graph["edges"]}


def test_map_item_processors_are_containers_nested_as_the_definition():
    graph = workflow_graph(NESTED_MAPS)
    parents = _parents(graph)
    assert parents["GetListOfFruits"] == parents["LoopOverFruits"] == "LoopOverStores#items"
    assert parents["GetFruitPrice"] == "LoopOverFruits#items"
    assert parents["LoopOverFruits#items"] == "LoopOverStores#items"
    assert parents["CalculateAverage"] == "LoopOverStoreFruitsPrice#items"
    edges = _edges(graph)
    # Into the processor, and from its end on to what follows the Map
    assert ("LoopOverStores", "GetListOfFruits", "branch") in edges
    assert ("GetFruitPrice", END, "next") not in edges
    assert ("LoopOverFruits", "GetFruitPrice", "branch") in edges
    assert ("GetFruitPrice", "LoopOverStoreFruitsPrice", "next") in edges
    assert ("CalculateAverage", END, "next") in edges
    # No edge touches a container: dagre lays out edges between states only
    containers = {node["id"] for node in graph["nodes"] if node["type"] == "Container"}
    assert not any(source in containers or target in containers for source, target, _ in edges)


def test_parallel_branches_are_side_by_side_containers_joining_at_the_next_state():
    graph = workflow_graph(PARALLEL)
    parents = _parents(graph)
    assert (parents["Left"], parents["Right"]) == ("Both#branch0", "Both#branch1")
    edges = _edges(graph)
    assert {("Both", "Left", "branch"), ("Both", "Right", "branch"), ("Left", "Done", "next"),
            ("Right", END, "next"), ("Both", "Recover", "catch"), ("Done", END, "next"), (START, "Both", "next")} <= edges
