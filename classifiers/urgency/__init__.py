"""The urgency model: category, priority (0 critical … 3 low), urgency score and reasons for each message.

Pure Python + scikit-learn + numpy. Reading files is allowed here (data sets, artifacts); nothing loads at import.
"""

from classifiers.urgency.model import ModelMismatchError, Score, UrgencyModel

__all__ = ["ModelMismatchError", "Score", "UrgencyModel"]
