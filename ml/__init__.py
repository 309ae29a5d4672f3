"""The bot classifier: labelled-dataset loaders, features, training, evaluation, scoring.

No Dagster here: ``orchestration/defs/ml/assets.py`` wraps these functions.
"""
