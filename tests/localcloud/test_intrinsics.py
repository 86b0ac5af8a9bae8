"""CloudFormation intrinsics as the local cloud resolves them."""

import pytest

from localcloud.provisioning.intrinsics import Resolver, UnsupportedTemplate, physical_name


def _resolver(**template) -> Resolver:
    resolver = Resolver(template, "eu-west-1", "111122223333", "Stepgate")
    resolver.refs["Table"] = "Stepgate-Table-ABC"
    resolver.attributes[("Table", "Arn")] = "arn:aws:dynamodb:eu-west-1:111122223333:table/Stepgate-Table-ABC"
    return resolver


def test_sub_resolves_pseudo_parameters_refs_attributes_and_variables():
    resolved = _resolver().resolve({"Fn::Sub": [
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:x/${Table}/${Table.Arn}/${Extra}/${!Literal}",
        {"Extra": {"Ref": "Table"}},
    ]})
    assert resolved == ("arn:aws:states:eu-west-1:111122223333:x/Stepgate-Table-ABC/"
                        "arn:aws:dynamodb:eu-west-1:111122223333:table/Stepgate-Table-ABC/Stepgate-Table-ABC/${Literal}")


def test_join_select_split_and_conditions():
    resolver = _resolver(Conditions={"IsIreland": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}})
    assert resolver.resolve({"Fn::Join": ["-", ["a", {"Ref": "Table"}]]}) == "a-Stepgate-Table-ABC"
    assert resolver.resolve({"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}) == "y"
    assert resolver.resolve({"Fn::If": ["IsIreland", "yes", "no"]}) == "yes"
    assert resolver.resolve({"A": {"Ref": "AWS::NoValue"}, "B": 1}) == {"B": 1}


def test_parameters_resolve_to_their_defaults():
    resolver = _resolver(Parameters={"Layer": {"Type": "String", "Default": "/aws/service/x"}})
    assert resolver.resolve({"Ref": "Layer"}) == "/aws/service/x"


def test_unknown_references_and_functions_fail_loudly():
    with pytest.raises(UnsupportedTemplate, match="Nowhere"):
        _resolver().resolve({"Ref": "Nowhere"})
    with pytest.raises(UnsupportedTemplate, match="Fn::ImportValue"):
        _resolver().resolve({"Fn::ImportValue": "shared"})


def test_physical_names_are_stable_and_bounded():
    assert physical_name("Stepgate", "OffersTable1234") == physical_name("Stepgate", "OffersTable1234")
    assert len(physical_name("Stepgate", "X" * 200, 64)) == 64
