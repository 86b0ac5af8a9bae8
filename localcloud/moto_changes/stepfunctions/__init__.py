"""The local cloud's Step Functions changes to moto: one module per behaviour, installed by `localcloud.moto_changes`."""
