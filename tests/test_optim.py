import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import optim
from course_utils.optim import LECTURE_TABLE, SGD, Adam, RMSProp


# Test functions of a parameter vector, with their gradients by hand. Both work on NumPy
# arrays and on PyTorch tensors; PyTorch's runs differentiate the function with autograd.
def bowl(p):
    return (p ** 2).sum()


def bowl_grad(p):
    return 2 * p


def valley(p):
    return 0.05 * p[0] ** 2 + 2.0 * p[1] ** 2 + 0.3 * p[0] * p[1]


def valley_grad(p):
    return np.array([0.1 * p[0] + 0.3 * p[1], 4.0 * p[1] + 0.3 * p[0]])


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)])


def beale(p):
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def beale_grad(p):
    x, y = p
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
    return np.array([2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1),
                     2 * a * x + 4 * b * x * y + 6 * c * x * y ** 2])


SCALES = np.arange(1.0, 6.0)


def quartic(p):  # many weights, each with its own scale
    scales = torch.tensor(SCALES) if isinstance(p, torch.Tensor) else SCALES
    return (scales * p ** 4).sum() + (p ** 2).sum()


def quartic_grad(p):
    return 4 * SCALES * p ** 3 + 2 * p


FUNCTIONS = {"bowl": (bowl, bowl_grad, [1.5, -2.0], 0.01),
             "valley": (valley, valley_grad, [-1.8, 1.0], 0.01),
             "rosenbrock": (rosenbrock, rosenbrock_grad, [-1.2, 1.0], 1e-3),
             "beale": (beale, beale_grad, [1.0, 1.5], 1e-3),
             "quartic": (quartic, quartic_grad, [1.0, -0.5, 0.3, 0.9, -1.1], 0.01)}

# (ours, torch's), each built from (params, lr).
OPTIMIZERS = {
    "sgd": (lambda ps, lr: SGD(ps, lr), lambda ps, lr: torch.optim.SGD(ps, lr)),
    "momentum": (lambda ps, lr: SGD(ps, lr, momentum=0.9),
                 lambda ps, lr: torch.optim.SGD(ps, lr, momentum=0.9)),
    "nesterov": (lambda ps, lr: SGD(ps, lr, momentum=0.8, nesterov=True),
                 lambda ps, lr: torch.optim.SGD(ps, lr, momentum=0.8, nesterov=True)),
    "rmsprop": (lambda ps, lr: RMSProp(ps, lr), lambda ps, lr: torch.optim.RMSprop(ps, lr)),
    "rmsprop_alpha": (lambda ps, lr: RMSProp(ps, lr, alpha=0.9, eps=1e-6),
                      lambda ps, lr: torch.optim.RMSprop(ps, lr, alpha=0.9, eps=1e-6)),
    "adam": (lambda ps, lr: Adam(ps, lr), lambda ps, lr: torch.optim.Adam(ps, lr)),
    "adam_betas": (lambda ps, lr: Adam(ps, lr, betas=(0.8, 0.99), eps=1e-6),
                   lambda ps, lr: torch.optim.Adam(ps, lr, betas=(0.8, 0.99), eps=1e-6)),
}


def _race(f, grad, start, lr, make_ours, make_torch, steps):
    """Run both optimizers side by side; return both trajectories, shape (steps + 1, n).

    Ours gets the gradient by hand, PyTorch's gets it from autograd.
    """
    ours = np.array(start, dtype=np.float64)
    theirs = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt, topt = make_ours([ours], lr), make_torch([theirs], lr)
    path, tpath = [ours.copy()], [ours.copy()]
    for _ in range(steps):
        opt.step([grad(ours)])
        topt.zero_grad()
        f(theirs).backward()
        topt.step()
        path.append(ours.copy())
        tpath.append(theirs.detach().numpy().copy())
    return np.array(path), np.array(tpath)


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_trajectory_equals_torch(function, optimizer):
    """400 steps of ours and of torch.optim agree to 1e-9 relative (float64) at every step.

    Not bit for bit: PyTorch fuses some multiply-adds (one rounding) where NumPy
    rounds twice. Such last-bit differences stay tiny on these runs; they would
    grow if an optimizer were left bouncing around the minimum for long (RMSProp
    and Adam with a constant rate do), where the dynamics is chaotic.
    """
    f, grad, start, lr = FUNCTIONS[function]
    path, tpath = _race(f, grad, start, lr, *OPTIMIZERS[optimizer], steps=400)
    assert np.isfinite(path).all()
    np.testing.assert_allclose(path, tpath, rtol=1e-9, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(lr=st.floats(1e-4, 0.05), momentum=st.floats(0.0, 0.99), nesterov=st.booleans(),
       alpha=st.floats(0.9, 0.999), beta1=st.floats(0.0, 0.99), beta2=st.floats(0.9, 0.9999),
       start=st.lists(st.floats(-2, 2), min_size=2, max_size=2))
def test_random_settings_equal_torch(lr, momentum, nesterov, alpha, beta1, beta2, start):
    """Random hyper-parameters on the bowl, 50 steps: agree with torch to 1e-9 relative.

    (alpha and beta2 stay >= 0.9: with shorter memories, RMSProp and Adam take
    steps of about lr whatever the gradient near the minimum, and bounce around it
    chaotically: alpha = 0.5 parted from torch by 1e-9 after a dozen steps.)
    """
    nesterov = nesterov and momentum > 0
    pairs = [
        (lambda ps, r: SGD(ps, r, momentum, nesterov),
         lambda ps, r: torch.optim.SGD(ps, r, momentum=momentum, nesterov=nesterov)),
        (lambda ps, r: RMSProp(ps, r, alpha), lambda ps, r: torch.optim.RMSprop(ps, r, alpha=alpha)),
        (lambda ps, r: Adam(ps, r, (beta1, beta2)),
         lambda ps, r: torch.optim.Adam(ps, r, betas=(beta1, beta2))),
    ]
    for make_ours, make_torch in pairs:
        path, tpath = _race(bowl, bowl_grad, start, lr, make_ours, make_torch, steps=50)
        np.testing.assert_allclose(path, tpath, rtol=1e-9, atol=1e-12)


def test_several_parameters_updated_in_place():
    """A list of arrays of different shapes, updated in place, as torch does with a model's tensors."""
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    tw, tb = (torch.tensor(a.copy(), requires_grad=True) for a in (w, b))
    ids = id(w), id(b)
    opt, topt = Adam([w, b], lr=0.1), torch.optim.Adam([tw, tb], lr=0.1)
    for _ in range(50):
        opt.step([2 * w, 2 * b])
        topt.zero_grad()
        ((tw ** 2).sum() + (tb ** 2).sum()).backward()
        topt.step()
    assert (id(w), id(b)) == ids and opt.t == 50
    np.testing.assert_allclose(w, tw.detach().numpy(), rtol=1e-9)
    np.testing.assert_allclose(b, tb.detach().numpy(), rtol=1e-9)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, 0.05, momentum=0.9, nesterov=True),
                                  lambda ps: RMSProp(ps, 0.01), lambda ps: Adam(ps, 0.01)])
def test_several_parameters_step_as_if_one_at_a_time(make):
    """The step on all parameters at once (one flat state) gives exactly the numbers, to the last
    bit, of one update per parameter; each parameter's state is a view that shows its part."""
    rng = np.random.default_rng(1)
    shapes = [(4, 3), (4,), (1, 4), (1,)]
    params = [rng.normal(size=s) for s in shapes]
    together, one_by_one = [p.copy() for p in params], [p.copy() for p in params]
    opt = make(together)
    singles = [make([p]) for p in one_by_one]
    for _ in range(20):
        grads = [rng.normal(size=s) for s in shapes]
        opt.step(grads)
        for single, g in zip(singles, grads):
            single.step([g])
    for a, b in zip(together, one_by_one):
        assert a.tobytes() == b.tobytes()
    for state, single in zip(opt.state, singles):
        assert {k: v.tobytes() for k, v in state.items()} == {k: v.tobytes() for k, v in single.state[0].items()}


def test_reset_zeroes_the_state():
    w = np.array([1.0, -1.0])
    for opt in (SGD([w], 0.1, momentum=0.9), RMSProp([w], 0.1), Adam([w], 0.1)):
        for _ in range(3):
            opt.step([2 * w])
        assert opt.t == 3 and any(np.any(s != 0) for s in opt.state[0].values())
        opt.reset()
        assert opt.t == 0 and all(np.all(s == 0) for s in opt.state[0].values())


def test_reset_makes_a_fresh_start():
    """After reset, the same gradients give the same steps as a new optimizer."""
    a, b = np.array([1.0]), np.array([1.0])
    used, fresh = Adam([a], 0.1), Adam([b], 0.1)
    used.step([np.array([5.0])])
    a[:] = 1.0
    used.reset()
    for _ in range(5):
        used.step([2 * a])
        fresh.step([2 * b])
    assert a.tolist() == b.tolist()


def test_plain_sgd_keeps_no_state_and_grads_are_not_modified():
    w = np.array([1.0])
    g = np.array([3.0])
    opt = SGD([w], 0.1, momentum=0.5)
    opt.step([g])
    opt.step([g])
    assert g.tolist() == [3.0]
    assert SGD([w], 0.1).state == [{}]


def test_running_averages_match_the_code():
    """Which running averages each optimizer keeps (the lecture table's momentum columns)."""
    w = np.zeros(1)
    kept = {name: (opt.keeps_mean, opt.keeps_square) for name, opt in {
        "SGD": SGD([w], 0.1), "SGD w/ Nesterov": SGD([w], 0.1, 0.9, nesterov=True),
        "RMSProp": RMSProp([w], 0.1), "Adam": Adam([w], 0.1)}.items()}
    assert kept == {"SGD": (False, False), "SGD w/ Nesterov": (True, False),
                    "RMSProp": (False, True), "Adam": (True, True)}
    assert [row["abbreviation"] for row in LECTURE_TABLE] == list(kept)


def test_repr():
    w = np.zeros(1)
    assert repr(SGD([w], 0.1, 0.9, True)) == "SGD(lr=0.1, momentum=0.9, nesterov=True)"
    assert repr(RMSProp([w], 0.01)) == "RMSProp(lr=0.01, alpha=0.99, eps=1e-08)"
    assert repr(Adam([w], 0.001)) == "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08)"


def test_invalid_settings_raise_clear_errors():
    w = np.zeros(2)
    with pytest.raises(ValueError, match=r"`lr` must be >= 0, got -0.1"):
        SGD([w], lr=-0.1)
    with pytest.raises(TypeError, match="`lr` must be a number"):
        Adam([w], lr="fast")
    with pytest.raises(ValueError, match=r"`momentum` must be in \[0, 1\)"):
        SGD([w], 0.1, momentum=1.0)
    with pytest.raises(ValueError, match="`nesterov=True` needs a momentum > 0"):
        SGD([w], 0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"`alpha` must be in \[0, 1\)"):
        RMSProp([w], 0.1, alpha=1.5)
    with pytest.raises(ValueError, match=r"`eps` must be >= 0"):
        RMSProp([w], 0.1, eps=-1e-8)
    with pytest.raises(ValueError, match=r"`betas\[0\]` must be in \[0, 1\), got 1.0"):
        Adam([w], 0.1, betas=(1.0, 0.999))
    with pytest.raises(ValueError, match=r"`betas\[1\]` must be in \[0, 1\), got -0.5"):
        Adam([w], 0.1, betas=(0.9, -0.5))
    with pytest.raises(TypeError, match="`betas` must be a pair"):
        Adam([w], 0.1, betas=0.9)


def test_invalid_params_and_grads_raise_clear_errors():
    w = np.zeros(2)
    with pytest.raises(TypeError, match="`params` must be a list of NumPy arrays"):
        SGD(w, 0.1)
    with pytest.raises(ValueError, match="`params` must hold at least one array"):
        SGD([], 0.1)
    with pytest.raises(TypeError, match=r"`params\[0\]` must be a float NumPy array"):
        SGD([np.zeros(2, dtype=int)], 0.1)
    with pytest.raises(TypeError, match=r"`params\[1\]` must be a float NumPy array"):
        SGD([w, [1.0]], 0.1)
    opt = Adam([w, np.zeros(3)], 0.1)
    with pytest.raises(ValueError, match=r"`grads` must hold one gradient per parameter \(2\), got 1"):
        opt.step([np.ones(2)])
    with pytest.raises(ValueError, match=r"`grads\[1\]` must have the shape of `params\[1\]`, \(3,\)"):
        opt.step([np.ones(2), np.ones(4)])
    with pytest.raises(TypeError, match="`grads` must be a list of arrays"):
        opt.step(np.ones(2))
    assert opt.t == 0 and w.tolist() == [0.0, 0.0]  # a refused step changes nothing


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, 0.05), lambda ps: SGD(ps, 0.05, momentum=0.9),
                                  lambda ps: SGD(ps, 0.05, momentum=0.9, nesterov=True),
                                  lambda ps: RMSProp(ps, 0.01), lambda ps: Adam(ps, 0.01)])
def test_parameters_in_one_vector_step_as_separate_arrays(make):
    """Parameters that are views into one flat vector (an MLP's theta) are updated through it, with
    gradients given as views into one vector (reused, as train_epoch does) or as separate arrays:
    the same numbers, to the last bit, as separate parameter arrays."""
    rng = np.random.default_rng(2)
    shapes = [(4, 3), (4,), (1, 4), (1,)]
    sizes = [int(np.prod(s)) for s in shapes]
    ends = np.cumsum(sizes)

    def views(vector):
        return [vector[end - n:end].reshape(s) for n, end, s in zip(sizes, ends, shapes)]

    separate = [rng.normal(size=s) for s in shapes]
    theta = np.concatenate([p.ravel() for p in separate])
    theta_views, grad = views(theta), np.zeros_like(theta)
    grad_views = views(grad)
    opt_separate, opt_vector = make(separate), make(theta_views)
    assert optim._joined(theta_views) is theta and opt_vector._vector is theta
    for step in range(20):
        grads = [rng.normal(size=s) for s in shapes]
        opt_separate.step(grads)
        if step % 3:
            for g, view in zip(grads, grad_views):
                view[...] = g
            opt_vector.step(grad_views)
        else:
            opt_vector.step([g.copy() for g in grads])
    assert all(np.shares_memory(p, theta) for p in theta_views)
    assert theta.tobytes() == np.concatenate([p.ravel() for p in separate]).tobytes()
    assert opt_vector.t == opt_separate.t == 20


def test_joined_needs_consecutive_views_of_a_whole_vector():
    theta = np.zeros(10)
    assert optim._joined([theta[:6].reshape(2, 3), theta[6:]]) is theta
    assert optim._joined([theta[6:], theta[:6].reshape(2, 3)]) is None  # another order
    assert optim._joined([theta[:6], theta[7:]]) is None  # a gap
    assert optim._joined([theta[:6], theta[6:9]]) is None  # not to the end
    assert optim._joined([theta[0:10:2], theta[1:10:2]]) is None  # not contiguous
    assert optim._joined([np.zeros(3), np.zeros(7)]) is None  # no vector behind them


def test_gradient_views_in_another_layout_are_not_taken_for_the_parameters():
    """Gradients that are views into one vector in another layout are each used as what they are."""
    theta, grad = np.zeros(6), np.arange(6.0)
    params = [theta[:4].reshape(2, 2), theta[4:]]
    opt = SGD(params, lr=1.0)
    grads = [grad[2:].reshape(2, 2), grad[:2]]  # dW after db in the vector
    opt.step(grads)
    opt.step(grads)
    assert theta.tolist() == [-4.0, -6.0, -8.0, -10.0, 0.0, -2.0]
