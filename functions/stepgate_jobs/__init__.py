"""Stepgate's job domain: validation, car-rental pricing, label post-processing and users.

Domain modules never import boto3; the `*_store`/`aws_*` adapter modules wrap AWS calls
behind small interfaces that the Lambda handlers wire up.
"""
