"""One small, seeded PyTorch training loop: mini-batches, Adam, progress lines, early stopping.

Every model of notebook 07 (the digit classifier, the autoencoders, the
variational autoencoder) trains with :func:`fit`. It is the loop of notebook 01
(forward, loss, ``backward``, ``step``) with what a real run needs around it:

* a **seed**: the same seed gives the same batches, the same noise and so the
  same weights, bit for bit (with a fixed thread count, which
  :func:`course_utils.notebook.setup` sets);
* **progress**: one short line every few epochs (no progress bar, whose output
  would differ from run to run);
* a **history** of the training (and validation) loss per epoch;
* **early stopping**: with ``patience=k`` training stops when the validation
  loss has not improved for ``k`` epochs, and the best weights are restored.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from ._validate import positive

LossFn = Callable[..., torch.Tensor]


@dataclass
class History:
    """What :func:`fit` records, one entry per epoch.

    Attributes
    ----------
    loss : list of float
        Mean training loss of each epoch (averaged over its batches).
    val_loss : list of float
        Loss on the validation data after each epoch (empty without them).
    best_epoch : int
        The epoch (1-based) whose weights the model holds at the end.
    stopped_early : bool
        Whether training stopped before ``epochs`` (patience ran out, or the
        loss became NaN).
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """How many epochs were run."""
        return len(self.loss)


def _as_tuple(data, name: str) -> tuple[torch.Tensor, ...]:
    tensors = tuple(data) if isinstance(data, (tuple, list)) else (data,)
    if not tensors or not all(isinstance(t, torch.Tensor) for t in tensors):
        raise TypeError(f"`{name}` must be a tensor or a tuple of tensors, got {type(data).__name__}")
    n = len(tensors[0])
    if n == 0:
        raise ValueError(f"`{name}` must not be empty")
    if any(len(t) != n for t in tensors):
        raise ValueError(f"`{name}`: every tensor must have the same length, got "
                         f"{[len(t) for t in tensors]}")
    return tensors


def fit(model: torch.nn.Module, loss_fn: LossFn, data, *, epochs: int = 10, batch_size: int = 64,
        lr: float = 1e-3, seed: int = 0, val_data=None, patience: int | None = None,
        print_every: int = 1, name: str = "") -> History:
    """Train ``model`` with Adam on shuffled mini-batches; return the loss per epoch.

    One epoch visits every sample once, in a new random order, ``batch_size``
    at a time; each batch takes one step

    .. math::

        \\theta \\leftarrow \\operatorname{Adam}(\\theta, \\nabla_\\theta L(\\text{batch})).

    Parameters
    ----------
    model : torch.nn.Module
    loss_fn : callable ``loss_fn(model, *batch) -> scalar tensor``
        The loss of one batch; ``batch`` holds one slice of each tensor in ``data``.
    data : tensor or tuple of tensors, all of length n_samples
        The training data, e.g. ``images`` or ``(images, labels)``.
    epochs, batch_size : int
    lr : float
        Adam's learning rate.
    seed : int
        Seeds PyTorch's generator before training: it sets the batch order and
        any noise ``loss_fn`` draws with ``torch.randn``.
    val_data : tensor or tuple of tensors, optional
        Evaluated (without gradients) after every epoch.
    patience : int, optional
        Stop when the validation loss has not improved for this many epochs,
        and restore the best weights. Needs ``val_data``.
    print_every : int
        Print one progress line every this many epochs (and the last); 0 is silent.
    name : str
        Printed at the start of each progress line.

    Returns
    -------
    History

    Examples
    --------
    >>> net = torch.nn.Linear(1, 1)
    >>> x = torch.linspace(-1, 1, 32).reshape(-1, 1)
    >>> history = fit(net, lambda m, x: ((m(x) - 3 * x) ** 2).mean(), x,
    ...               epochs=200, batch_size=8, lr=0.05, print_every=100)
    epoch 100/200: loss 0.0000
    epoch 200/200: loss 0.0000
    >>> round(net.weight.item(), 2), history.epochs
    (3.0, 200)
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"`model` must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"`loss_fn` must be a function loss_fn(model, *batch), got {loss_fn!r}")
    train = _as_tuple(data, "data")
    val = _as_tuple(val_data, "val_data") if val_data is not None else None
    positive(epochs, "epochs", integer=True)
    positive(batch_size, "batch_size", integer=True)
    positive(lr, "lr")
    positive(print_every, "print_every", integer=True, allow_zero=True)
    if patience is not None:
        positive(patience, "patience", integer=True)
        if val is None:
            raise ValueError("`patience` needs `val_data` to watch")

    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, fused=True)  # fused: a little faster on a CPU
    history = History()
    best, best_state, waited = math.inf, None, 0
    n = len(train[0])
    prefix = f"{name}: " if name else ""
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(n)
        total = 0.0
        for start in range(0, n, batch_size):
            index = order[start:start + batch_size]
            loss = loss_fn(model, *(t[index] for t in train))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
        history.loss.append(total / n)
        line = f"{prefix}epoch {epoch}/{epochs}: loss {history.loss[-1]:.4f}"
        watched = history.loss[-1]
        if val is not None:
            model.eval()
            with torch.no_grad():
                history.val_loss.append(float(loss_fn(model, *val)))
            line += f", validation {history.val_loss[-1]:.4f}"
            watched = history.val_loss[-1]
        diverged = not math.isfinite(watched)
        if watched < best:
            best, waited, history.best_epoch = watched, 0, epoch
            if patience is not None:
                best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
        stop = diverged or (patience is not None and waited >= patience)
        if print_every and (epoch % print_every == 0 or epoch == epochs or stop):
            print(line)
        if stop:
            history.stopped_early = epoch < epochs
            if diverged:
                print(f"{prefix}stopped at epoch {epoch}: the loss is not finite (diverged)")
            else:
                print(f"{prefix}stopped early at epoch {epoch}: no improvement for {patience} epochs; "
                      f"keeping epoch {history.best_epoch}")
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    if patience is None:  # no early stopping: the model keeps its last weights
        history.best_epoch = history.epochs
    model.eval()
    return history
