"""The bot classifier: labelled-dataset loaders, features, training, evaluation, scoring.

No Dagster here: ``orchestration/assets/ml.py`` wraps these functions.
"""
