"""Optimizers from scratch: SGD (with momentum and Nesterov), RMSProp and Adam, in NumPy.

An optimizer moves the weights ``w`` downhill on the loss, one step per
gradient ``g = dL/dw``. The lecture's table sorts them by the running averages
they keep: a *mean* of past gradients (momentum) and a mean of past *squared*
gradients (a per-weight scale, "std. momentum").

Each optimizer holds a list of NumPy arrays and updates them **in place**, as
``torch.optim`` does with tensors::

    opt = Adam([w, b], lr=0.01)
    for _ in range(100):
        opt.step(gradients(w, b))   # a list of arrays shaped like [w, b]

The update rules are exactly those of ``torch.optim.SGD`` (dampening 0),
``torch.optim.RMSprop`` (not centred, no momentum) and ``torch.optim.Adam`` (no
amsgrad), checked step by step in ``tests/test_optim.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["Optimizer", "SGD", "RMSProp", "Adam", "LECTURE_TABLE", "OPTIMIZERS", "make_optimizer",
           "make_torch_optimizer", "DIVERGENCE_FACTOR", "diverged"]

#: The lecture's optimizer table, as on its "Optimization" slide.
LECTURE_TABLE = [
    {"name": "Stochastic Gradient Descent", "abbreviation": "SGD",
     "mean momentum": False, "std. momentum": False, "strengths": "Easy to understand"},
    {"name": "Nesterov Momentum", "abbreviation": "SGD w/ Nesterov",
     "mean momentum": True, "std. momentum": False, "strengths": ""},
    {"name": "Root Mean Square Propagation", "abbreviation": "RMSProp",
     "mean momentum": True, "std. momentum": False, "strengths": "Works well w/ text input"},
    {"name": "Adaptive Moment Estimation", "abbreviation": "Adam",
     "mean momentum": True, "std. momentum": True, "strengths": "Good default"},
]


#: Training has diverged once its loss is this many times its starting value (see :func:`diverged`).
DIVERGENCE_FACTOR = 1e4


def diverged(loss: float, start: float) -> bool:
    """Whether a run whose loss started at ``start`` has diverged: the course's one rule.

    .. math:: L \\text{ not finite} \\quad\\text{or}\\quad L > 10^4 \\cdot \\max(L_0, 1)

    A loss ten thousand times its start has left any descent behind (a run that
    converges only ever goes down, give or take the noise of its mini-batches);
    a start below 1 counts as 1, so that a run that begins at the minimum is not
    called diverged for a loss of 1e-10. Every training loop of the course
    stops by it: the neuron (notebook 01), the network (``mlp.fit``, the
    playground, the curve fitting of notebook 04) and the optimizer race, whose
    loss is the height above the surface's minimum.

    Examples
    --------
    >>> diverged(2.0e7, start=1500.0), diverged(1.4e7, start=1500.0)
    (True, False)
    >>> diverged(float("nan"), start=1.0), diverged(float("inf"), start=float("inf"))
    (True, True)
    >>> diverged(np.array([1.0, 2e4, np.nan]), start=1.0).tolist()  # a run's losses at once
    [False, True, True]
    """
    if isinstance(loss, np.ndarray) and loss.ndim:  # a whole run's losses at once: which diverged
        with np.errstate(invalid="ignore"):
            return ~(np.isfinite(loss) & (loss <= DIVERGENCE_FACTOR * max(start, 1.0)))
    return not (math.isfinite(loss) and loss <= DIVERGENCE_FACTOR * max(start, 1.0))


def _joined(arrays: Sequence[np.ndarray]) -> np.ndarray | None:
    """The flat vector that ``arrays`` are consecutive views of, from its start to its end, or None.

    >>> theta = np.zeros(6)
    >>> _joined([theta[:4].reshape(2, 2), theta[4:]]) is theta
    True
    >>> _joined([theta[4:], theta[:4]]) is None  # another order
    True
    """
    if not all(isinstance(a, np.ndarray) for a in arrays):
        return None
    vector = arrays[0].base
    if (not isinstance(vector, np.ndarray) or vector.ndim != 1 or not vector.flags.c_contiguous
            or not vector.flags.writeable):
        return None
    address = vector.__array_interface__["data"][0]
    for a in arrays:
        if a.base is not vector or not a.flags.c_contiguous or a.dtype != vector.dtype \
                or a.__array_interface__["data"][0] != address:
            return None
        address += a.nbytes
    return vector if address == vector.__array_interface__["data"][0] + vector.nbytes else None


def _rate(value: float, name: str, *, below_one: bool = False) -> float:
    """A float >= 0 (and < 1 if ``below_one``), or an error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (below_one and value >= 1):
        allowed = "in [0, 1)" if below_one else ">= 0"
        raise ValueError(f"`{name}` must be {allowed}, got {value!r}")
    return value


class Optimizer:
    """Base class: holds the parameters, checks the gradients, keeps the state.

    Parameters
    ----------
    params : list of numpy.ndarray
        The weights to optimize, float arrays; :meth:`step` changes them in place.
    lr : float
        The learning rate, >= 0.

    Attributes
    ----------
    t : int
        Steps taken since the start (or the last :meth:`reset`).
    state : list of dict
        The running averages, one dict of arrays per parameter.

    Notes
    -----
    Every update rule works element by element, so it can run on all the
    numbers at once: the running averages live in one flat vector each, and
    when the parameters are consecutive views into one flat vector (as
    :class:`course_utils.mlp.MLP`'s are, ``net.theta``) and the gradients into
    another (``net.grad``), a step is a few NumPy calls on those vectors, the
    same numbers to the last bit as one update per parameter.
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float) -> None:
        if isinstance(params, np.ndarray) or not isinstance(params, (list, tuple)):
            raise TypeError(f"`params` must be a list of NumPy arrays, e.g. [w, b], "
                            f"got {type(params).__name__}")
        if not params:
            raise ValueError("`params` must hold at least one array")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                what = f"dtype {p.dtype}" if isinstance(p, np.ndarray) else type(p).__name__
                raise TypeError(f"`params[{i}]` must be a float NumPy array (updated in place), got {what}")
            if not p.flags.writeable:
                raise ValueError(f"`params[{i}]` is read-only; the optimizer updates it in place")
        self.params = list(params)
        self.lr = _rate(lr, "lr")
        self.reset()

    def _new_state(self, p: np.ndarray) -> dict[str, np.ndarray]:
        return {}

    def reset(self) -> None:
        """Forget the history: zero every running average and the step count."""
        self.t = 0
        # Each running average of all the parameters lives in one flat array, and each
        # parameter's state is a view into it: a step then updates every parameter with a
        # few NumPy calls on the whole vector instead of the same calls once per parameter
        # (the same numbers, as the updates are element by element).
        sizes = [p.size for p in self.params]
        self._flat_state = self._new_state(np.zeros(sum(sizes), dtype=self.params[0].dtype))
        self._slices = [slice(end - n, end) for n, end in zip(sizes, np.cumsum(sizes))]
        self.state = [{name: avg[part].reshape(p.shape) for name, avg in self._flat_state.items()}
                      for p, part in zip(self.params, self._slices)]
        self._fused = (len(self.params) > 1 and bool(self._flat_state)
                       and len({p.dtype for p in self.params}) == 1)
        # Parameters that are themselves views into one flat vector, one after the other (an
        # MLP's are, see ``MLP.theta``), are updated through that vector: no copying in and out.
        self._vector = _joined(self.params) if len(self.params) > 1 else None
        self._seen_grads: list[np.ndarray] = []  # the last gradient arrays that were views too
        self._seen_ids: tuple[int, ...] = ()  # ... their ids
        self._grad_vector: np.ndarray | None = None  # ... and the vector they are views into

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Take one step: update every parameter in place from its gradient.

        Parameters
        ----------
        grads : list of array-like
            ``dL/dp`` for each parameter ``p``, in the same order and shapes.
        """
        if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)):
            raise TypeError(f"`grads` must be a list of arrays, one per parameter, "
                            f"got {type(grads).__name__}")
        if self._vector is not None and self._same_vector(grads):
            # Both the parameters and the gradients are views into one vector each: one update
            # of all the numbers (the gradients were checked the first time they came).
            self.t += 1
            self._update(self._vector, self._grad_vector, self._flat_state)
            return
        if len(grads) != len(self.params):
            raise ValueError(f"`grads` must hold one gradient per parameter ({len(self.params)}), "
                             f"got {len(grads)}")
        checked = []
        for i, (p, g) in enumerate(zip(self.params, grads)):
            g = np.asarray(g, dtype=p.dtype)
            if g.shape != p.shape:
                raise ValueError(f"`grads[{i}]` must have the shape of `params[{i}]`, {p.shape}, got {g.shape}")
            checked.append(g)
        self.t += 1
        if self._vector is not None:  # the parameters are one vector: join the gradients
            self._update(self._vector, np.concatenate([g.ravel() for g in checked]), self._flat_state)
            return
        if not self._fused:  # one parameter, or no state to share: one update each
            for p, g, state in zip(self.params, checked, self.state):
                self._update(p, g, state)
            return
        flat = np.concatenate([p.ravel() for p in self.params])
        self._update(flat, np.concatenate([g.ravel() for g in checked]), self._flat_state)
        for p, part in zip(self.params, self._slices):
            p[...] = flat[part].reshape(p.shape)

    def _same_vector(self, grads: Sequence[np.ndarray]) -> bool:
        """Whether ``grads`` are views into one flat vector laid out as the parameters' (then
        :attr:`_grad_vector`). Checked once for new arrays; the same arrays again are a quick yes."""
        ids = tuple(map(id, grads))  # the arrays are kept in _seen_grads: an id cannot be reused
        if ids == self._seen_ids:
            return self._grad_vector is not None
        vector = _joined(grads)
        ok = (vector is not None and vector.dtype == self._vector.dtype
              and all(g.shape == p.shape for g, p in zip(grads, self.params)))
        self._seen_grads, self._seen_ids, self._grad_vector = list(grads), ids, vector if ok else None
        return ok

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict) -> None:  # pragma: no cover
        raise NotImplementedError

    @property
    def keeps_mean(self) -> bool:
        """Whether it keeps a running mean of the gradients ("mean momentum")."""
        return "velocity" in self.state[0] or "m" in self.state[0]

    @property
    def keeps_square(self) -> bool:
        """Whether it keeps a running mean of the squared gradients ("std. momentum")."""
        return "v" in self.state[0]


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and Nesterov momentum.

    .. math::

        v \\leftarrow \\mu v + g, \\qquad
        w \\leftarrow w - \\eta \\, v \\quad\\text{(momentum)}, \\qquad
        w \\leftarrow w - \\eta \\, (g + \\mu v) \\quad\\text{(Nesterov)}

    With ``momentum=0`` it is plain gradient descent, :math:`w \\leftarrow w - \\eta g`.
    Equal to ``torch.optim.SGD(params, lr, momentum, nesterov=nesterov)`` (dampening 0).

    Parameters
    ----------
    params : list of numpy.ndarray
    lr : float
        Learning rate :math:`\\eta \\ge 0`.
    momentum : float, default 0
        :math:`\\mu` in [0, 1): how much of the previous velocity is kept.
    nesterov : bool, default False
        Look ahead along the velocity (needs ``momentum > 0``).

    Examples
    --------
    >>> w = np.array([1.0])
    >>> opt = SGD([w], lr=0.1)
    >>> opt.step([2 * w])  # the gradient of w², 2w
    >>> w
    array([0.8])
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        self.momentum = _rate(momentum, "momentum", below_one=True)
        if not isinstance(nesterov, bool):
            raise TypeError(f"`nesterov` must be True or False, got {nesterov!r}")
        if nesterov and self.momentum == 0:
            raise ValueError("`nesterov=True` needs a momentum > 0, got momentum=0")
        self.nesterov = nesterov
        super().__init__(params, lr)

    def _new_state(self, p: np.ndarray) -> dict[str, np.ndarray]:
        return {"velocity": np.zeros_like(p)} if self.momentum else {}

    def _update(self, p, g, state):
        if self.momentum:
            v = state["velocity"]
            v *= self.momentum  # v = μ v + g: a running sum of past gradients
            v += g
            g = g + self.momentum * v if self.nesterov else v
        p -= self.lr * g  # w = w - η g

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr:g}, momentum={self.momentum:g}, nesterov={self.nesterov})"


class RMSProp(Optimizer):
    """RMSProp: divide each weight's step by the root of its running mean squared gradient.

    .. math::

        v \\leftarrow \\alpha v + (1 - \\alpha) g^2, \\qquad
        w \\leftarrow w - \\eta \\, \\frac{g}{\\sqrt{v} + \\epsilon}

    Weights with large gradients take smaller steps, and rarely-updated weights
    larger ones. Equal to ``torch.optim.RMSprop(params, lr, alpha, eps)`` (not
    centred, no momentum).

    Parameters
    ----------
    params : list of numpy.ndarray
    lr : float
        Learning rate :math:`\\eta \\ge 0`.
    alpha : float, default 0.99
        Decay of the running mean of :math:`g^2`, in [0, 1).
    eps : float, default 1e-8
        Added to the denominator, so a zero gradient does not divide by zero.

    Examples
    --------
    >>> w = np.array([1.0, -3.0])
    >>> opt = RMSProp([w], lr=0.01)
    >>> opt.step([2 * w])  # the first step is lr / sqrt(1 - alpha) = 0.1 for every weight
    >>> np.round(w, 6)
    array([ 0.9, -2.9])
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float, alpha: float = 0.99,
                 eps: float = 1e-8) -> None:
        self.alpha = _rate(alpha, "alpha", below_one=True)
        self.eps = _rate(eps, "eps")
        super().__init__(params, lr)

    def _new_state(self, p: np.ndarray) -> dict[str, np.ndarray]:
        return {"v": np.zeros_like(p)}

    def _update(self, p, g, state):
        v = state["v"]
        v *= self.alpha  # v = α v + (1 - α) g²: running mean of the squared gradient
        v += (1 - self.alpha) * g * g
        p -= self.lr * g / (np.sqrt(v) + self.eps)  # w = w - η g / (√v + ε)

    def __repr__(self) -> str:
        return f"RMSProp(lr={self.lr:g}, alpha={self.alpha:g}, eps={self.eps:g})"


class Adam(Optimizer):
    """Adam: momentum (a running mean of g) divided by a running root-mean-square of g.

    .. math::

        m \\leftarrow \\beta_1 m + (1 - \\beta_1) g, \\qquad
        v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2, \\\\
        \\hat m = \\frac{m}{1 - \\beta_1^t}, \\qquad \\hat v = \\frac{v}{1 - \\beta_2^t}, \\qquad
        w \\leftarrow w - \\eta \\, \\frac{\\hat m}{\\sqrt{\\hat v} + \\epsilon}

    The hats undo the bias of starting both averages at zero. Equal to
    ``torch.optim.Adam(params, lr, betas, eps)`` (no amsgrad).

    Parameters
    ----------
    params : list of numpy.ndarray
    lr : float
        Learning rate :math:`\\eta \\ge 0`.
    betas : (float, float), default (0.9, 0.999)
        Decays :math:`\\beta_1, \\beta_2` of the two running means, each in [0, 1).
    eps : float, default 1e-8

    Examples
    --------
    >>> w = np.array([1.0, -3.0])
    >>> opt = Adam([w], lr=0.01)
    >>> opt.step([2 * w])  # the first step is lr for every weight, whatever the gradient
    >>> np.round(w, 6)
    array([ 0.99, -2.99])
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"`betas` must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (_rate(betas[0], "betas[0]", below_one=True),
                      _rate(betas[1], "betas[1]", below_one=True))
        self.eps = _rate(eps, "eps")
        super().__init__(params, lr)

    def _new_state(self, p: np.ndarray) -> dict[str, np.ndarray]:
        return {"m": np.zeros_like(p), "v": np.zeros_like(p)}

    def _update(self, p, g, state):
        beta1, beta2 = self.betas
        m, v = state["m"], state["v"]
        m += (1 - beta1) * (g - m)  # m = β1 m + (1 - β1) g: running mean of g
        v *= beta2  # v = β2 v + (1 - β2) g²: running mean of g²
        v += (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** self.t)  # undo the bias of starting at zero
        v_hat = v / (1 - beta2 ** self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)  # w = w - η m̂ / (√v̂ + ε)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr:g}, betas=({self.betas[0]:g}, {self.betas[1]:g}), eps={self.eps:g})"


# -- the optimizers by name ----------------------------------------------------------------------
#: The optimizers that race, by the lecture table's abbreviations (momentum 0.9 where there is one).
OPTIMIZERS: dict[str, Callable[[list, float], Optimizer]] = {
    "SGD": lambda params, lr: SGD(params, lr),
    "SGD w/ momentum": lambda params, lr: SGD(params, lr, momentum=0.9),
    "SGD w/ Nesterov": lambda params, lr: SGD(params, lr, momentum=0.9, nesterov=True),
    "RMSProp": lambda params, lr: RMSProp(params, lr),
    "Adam": lambda params, lr: Adam(params, lr),
}


def make_optimizer(name: str, params: list[np.ndarray], lr: float) -> Optimizer:
    """One of :data:`OPTIMIZERS`, from scratch, on ``params``."""
    if name not in OPTIMIZERS:
        raise ValueError(f"`name` must be one of {list(OPTIMIZERS)}, got {name!r}")
    return OPTIMIZERS[name](params, lr)


def make_torch_optimizer(name: str, params: list, lr: float):
    """The ``torch.optim`` optimizer with the same settings as ``make_optimizer(name, ...)``."""
    import torch

    makers = {
        "SGD": lambda: torch.optim.SGD(params, lr),
        "SGD w/ momentum": lambda: torch.optim.SGD(params, lr, momentum=0.9),
        "SGD w/ Nesterov": lambda: torch.optim.SGD(params, lr, momentum=0.9, nesterov=True),
        "RMSProp": lambda: torch.optim.RMSprop(params, lr),
        "Adam": lambda: torch.optim.Adam(params, lr),
    }
    if name not in makers:
        raise ValueError(f"`name` must be one of {list(makers)}, got {name!r}")
    return makers[name]()
