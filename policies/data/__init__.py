"""Pure data shared by components and policy rules (the bottom layer: imports nothing of the project).

Beside it, data files: resource_classes.yaml and resource_types.json (the resource-type classes) and
azure_id_params.json (the inputs each azure-native type's ARM id is made of).
"""
