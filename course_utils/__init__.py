"""Helpers for the *Deep Learning from Fundamentals* notebooks.

One small module per lecture concept. Importing the package is cheap: the
modules that need PyTorch import it themselves, only when they are used.

>>> import course_utils
>>> course_utils.__version__
'0.1.0'
"""

__version__ = "0.1.0"
