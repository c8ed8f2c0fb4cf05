"""The playground of notebook 03: TensorFlow Playground inside Jupyter, on our own NumPy network.

Everything `playground.tensorflow.org <https://playground.tensorflow.org>`_ offers
(its data sets, the train/test ratio, noise, batch size, seven input features,
up to six hidden layers of eight neurons, the activation, learning rate, L1/L2
regularisation, classification or regression, Play / Pause / Step / Reset, the
output as a heatmap with the data on it, every neuron's own heatmap with the
weights drawn as lines, loss curves, "show test data", "discretise output"),
plus what its users ask for: cross-entropy or squared loss, five optimizers,
an activation per layer, accuracy and the confusion matrix, presets with a
line of commentary, and the student's own data, ``playground(X, y)``.

Four modules, read in this order:

- :mod:`.settings`: the features, the controls' values and defaults, the presets;
- :mod:`.session`: :class:`PlaygroundSession`, the data, the network
  (:class:`course_utils.mlp.MLP`), its optimizer and training, with no widget
  and no figure;
- :mod:`.figure`: the picture of a session (the network, the output, the losses);
- :mod:`.view`: :class:`Playground`, the widget: controls and buttons around
  the picture, and :func:`playground`, its builder.

The view imports ipywidgets and matplotlib; it is loaded when one of its names
is first asked for, so that ``from course_utils.demos.playground.session import
PlaygroundSession`` needs neither.
"""

from __future__ import annotations

from typing import Any

from .session import PlaygroundSession
from .settings import FEATURES, LEARNING_RATES, MAX_LAYERS, MAX_NEURONS, PRESETS, REG_RATES

__all__ = ["playground_demo", "playground", "Playground", "PlaygroundSession", "PRESETS", "FEATURES",
           "LEARNING_RATES", "REG_RATES", "MAX_LAYERS", "MAX_NEURONS"]

_VIEW = ("playground_demo", "playground", "Playground")


def __getattr__(name: str) -> Any:
    if name in _VIEW:
        from . import view

        return getattr(view, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
