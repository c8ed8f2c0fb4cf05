"""The McCulloch-Pitts unit and Rosenblatt's perceptron, checked against truth tables and scikit-learn."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Perceptron

from course_utils.perceptron import (
    GATE_NAMES,
    as_signs,
    gate_data,
    gate_name,
    linearly_separable,
    mcculloch_pitts,
    perceptron_loss,
    perceptron_predict,
    perceptron_update,
    train_perceptron,
    truth_table,
)

# -- McCulloch-Pitts ----------------------------------------------------------------------------


def test_truth_table_counts_in_binary():
    assert truth_table(1).tolist() == [[0], [1]]
    table = truth_table(3)
    assert table.shape == (8, 3)
    assert (table @ [4, 2, 1]).tolist() == list(range(8))


@pytest.mark.parametrize("threshold, gate", [(-1, "TRUE"), (0, "TRUE"), (0.5, "OR"), (1, "OR"),
                                             (1.5, "AND"), (2, "AND"), (2.5, "FALSE")])
def test_the_threshold_alone_picks_the_gate(threshold, gate):
    assert gate_name(mcculloch_pitts(truth_table(2), threshold)) == gate


def test_an_inhibitory_input_vetoes():
    x = truth_table(2)
    assert gate_name(mcculloch_pitts(x, 0, inhibitory=[False, True])) == "NOT x₂"
    assert gate_name(mcculloch_pitts(x, 1, inhibitory=[False, True])) == "x₁ AND NOT x₂"
    assert mcculloch_pitts([[0], [1]], 0, inhibitory=[True]).tolist() == [1, 0]  # NOT


def test_three_inputs_and_a_single_row():
    x = truth_table(3)
    assert mcculloch_pitts(x, 2).tolist() == [int(row.sum() >= 2) for row in x]  # majority
    assert mcculloch_pitts([1, 1], 2) == 1 and isinstance(mcculloch_pitts([1, 0], 2), int)


@pytest.mark.parametrize("kwargs, match", [
    ({"x": [[0, 2]], "threshold": 1}, "`x` must hold binary inputs"),
    ({"x": np.zeros((2, 2, 2)), "threshold": 1}, "`x` must be of shape"),
    ({"x": "01", "threshold": 1}, "`x` must be numbers"),
    ({"x": [[0, 1]], "threshold": [1, 2]}, "`threshold` must have 0 dimension"),
    ({"x": [[0, 1]], "threshold": 1, "inhibitory": [True]}, "`inhibitory` must be 2 booleans"),
    ({"x": [[0, 1]], "threshold": 1, "inhibitory": [0, 1]}, "`inhibitory` must be 2 booleans"),
])
def test_mcculloch_pitts_bad_inputs_name_the_argument(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        mcculloch_pitts(**kwargs)


def test_gate_names_cover_every_two_input_function():
    assert len(GATE_NAMES) == 16 and len(set(GATE_NAMES.values())) == 16
    assert gate_name(np.array([0, 1, 1, 0])) == "XOR"
    with pytest.raises(ValueError, match="`outputs` must be four values"):
        gate_name([0, 1, 2, 0])
    with pytest.raises(ValueError, match="`gate` must be one of"):
        gate_data("MAYBE")


def test_as_signs():
    assert as_signs([1, -1]).tolist() == [1.0, -1.0]
    assert as_signs(np.array([0, 1])).tolist() == [-1.0, 1.0]
    with pytest.raises(ValueError, match="`y` must hold labels -1/\\+1"):
        as_signs([0, 1, 2])
    with pytest.raises(ValueError, match="`y` must have 1 dimension"):
        as_signs([[0, 1]])


# -- the perceptron -----------------------------------------------------------------------------


def test_update_only_on_a_mistake_or_on_the_line():
    w, b = perceptron_update([1.0, 0.0], 0.0, x=[2.0, 5.0], y=1)  # right: unchanged
    assert w.tolist() == [1.0, 0.0] and b == 0.0
    w, b = perceptron_update([1.0, 0.0], 0.0, x=[2.0, 5.0], y=-1, lr=0.5)  # wrong: moved
    assert w.tolist() == [0.0, -2.5] and b == -0.5
    w, b = perceptron_update([1.0, 0.0], -2.0, x=[2.0, 5.0], y=1)  # on the line counts as wrong
    assert w.tolist() == [3.0, 5.0] and b == -1.0


@pytest.mark.parametrize("kwargs, match", [
    ({"x": [1.0], "y": 1}, "`x` must have one value per weight"),
    ({"x": [1.0, 2.0], "y": 0}, "`y` must be -1 or \\+1"),
    ({"x": [1.0, 2.0], "y": 1, "lr": 0.0}, "`lr` must be > 0"),
])
def test_update_bad_inputs(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        perceptron_update([0.0, 0.0], 0.0, **kwargs)


def test_the_learning_rule_is_sgd_on_the_perceptron_loss():
    """A rule step equals a gradient step on the one-sample loss (central differences, to 1e-6)."""
    rng = np.random.default_rng(0)
    w, b, x = rng.normal(size=3), 0.3, rng.normal(size=3)
    y = -1.0 if w @ x + b > 0 else 1.0  # a mistake
    lr, h = 0.1, 1e-6
    params = np.r_[w, b]

    def loss(p):
        return perceptron_loss(x[None, :], [y], p[:-1], p[-1])

    grad = np.array([(loss(params + h * e) - loss(params - h * e)) / (2 * h) for e in np.eye(4)])
    w_new, b_new = perceptron_update(w, b, x, y, lr=lr)
    np.testing.assert_allclose(np.r_[w_new, b_new], params - lr * grad, atol=1e-6)


def test_converges_on_separable_data_within_novikoffs_bound():
    X, y = linearly_separable(60, margin=0.3, seed=3)
    run = train_perceptron(X, y, epochs=1000)
    assert run.converged and (perceptron_predict(X, run.w[-1], run.b[-1]) == y).all()
    # the bound (R / gamma)^2 holds for the margin gamma of any separating unit vector, e.g. the
    # line the data were drawn with, x1 + x2/2 - 3 = 0, in the augmented space (x, 1)
    u = np.array([1.0, 0.5, -3.0]) / np.linalg.norm([1.0, 0.5, -3.0])
    Xa = np.c_[X, np.ones(len(X))]
    gamma, radius = (y * (Xa @ u)).min(), np.linalg.norm(Xa, axis=1).max()
    assert gamma > 0 and run.n_updates <= (radius / gamma) ** 2
    assert run.mistakes[-1] == 0 and run.mistakes.sum() == run.n_updates


def test_never_converges_on_xor():
    run = train_perceptron(*gate_data("XOR"), epochs=200)
    assert not run.converged and run.mistakes.min() > 0 and len(run.mistakes) == 200


def test_run_bookkeeping():
    X, y = gate_data("OR")
    run = train_perceptron(X, y)
    assert run.w.shape == (run.n_updates + 1, 2) and run.b.shape == (run.n_updates + 1,)
    assert run.w[0].tolist() == [0.0, 0.0] and run.sample[0] == 0  # zero weights: a mistake
    for k in range(run.n_updates):  # every update is one rule step on the sample it names
        i = run.sample[k]
        w, b = perceptron_update(run.w[k], run.b[k], X[i], y[i])
        assert np.array_equal(w, run.w[k + 1]) and b == run.b[k + 1]
    assert (np.diff(run.epoch) >= 0).all()


def test_from_zero_the_learning_rate_only_scales_the_weights():
    """Every weight is a sum of lr * y_i * x_i terms: same mistakes, weights scaled (to 1e-12)."""
    X, y = linearly_separable(40, seed=5)
    one, small = train_perceptron(X, y, lr=1.0), train_perceptron(X, y, lr=0.01)
    assert np.array_equal(one.sample, small.sample)
    np.testing.assert_allclose(small.w, 0.01 * one.w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    ({"X": [[0.0, 1.0]], "y": [1, -1]}, "`y` must have one label per row"),
    ({"X": [0.0, 1.0], "y": [1, -1]}, "`X` must have 2 dimension"),
    ({"X": [[0.0], [1.0]], "y": [1, -1], "epochs": 0}, "`epochs` must be > 0"),
    ({"X": [[0.0], [1.0]], "y": [1, -1], "epochs": 2.5}, "`epochs` must be an integer"),
    ({"X": [[0.0], [1.0]], "y": [1, -1], "w0": [0.0, 0.0]}, "`w0` must have one weight per column"),
    ({"X": [[np.nan], [1.0]], "y": [1, -1]}, "`X` contains NaN"),
])
def test_train_bad_inputs(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        train_perceptron(**kwargs)


def test_predict_and_loss_bad_inputs():
    with pytest.raises(ValueError, match="`w` must have one weight per column of `X`"):
        perceptron_predict([[1.0, 2.0]], [1.0], 0.0)
    with pytest.raises(ValueError, match="`y` must have one label per row"):
        perceptron_loss([[1.0, 2.0]], [1, -1], [1.0, 1.0], 0.0)


def test_linearly_separable_keeps_its_margin():
    X, y = linearly_separable(50, margin=0.7, seed=2)
    distance = (X[:, 0] + 0.5 * X[:, 1] - 3.0) / np.hypot(1.0, 0.5)
    assert X.shape == (50, 2) and (np.abs(distance) >= 0.7).all() and (np.sign(distance) == y).all()
    assert np.array_equal(X, linearly_separable(50, margin=0.7, seed=2)[0])
    with pytest.raises(ValueError, match="`margin` must be at most 1.5"):
        linearly_separable(10, margin=2.0)


# -- against scikit-learn -----------------------------------------------------------------------


def sklearn_perceptron(X, y, lr, epochs):
    """The settings under which sklearn's Perceptron is Rosenblatt's rule as written here."""
    clf = Perceptron(eta0=lr, shuffle=False, tol=None, max_iter=epochs, penalty=None,
                     fit_intercept=True, early_stopping=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning may hide a difference
        return clf.fit(X, y)


@settings(deadline=None, max_examples=40)
@given(seed=st.integers(0, 10_000), n_samples=st.integers(2, 40), n_features=st.integers(1, 5),
       lr=st.sampled_from([0.01, 0.5, 1.0, 3.0]), epochs=st.integers(1, 30),
       separable=st.booleans())
def test_same_weights_as_sklearn(seed, n_samples, n_features, lr, epochs, separable):
    """coef_ and intercept_ equal our last w and b to 1e-9 (relative), on separable data and on noise.

    Both compute the same float64 sums in the same order; the tolerance only absorbs a different
    order of the additions inside a dot product.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) + rng.normal(size=n_features)
    if separable:
        y = np.where(X @ rng.normal(size=n_features) + rng.normal() > 0, 1, -1)
    else:
        y = rng.choice([-1, 1], size=n_samples)
    if len(np.unique(y)) < 2:
        y[0] = -y[0]
    run = train_perceptron(X, y, lr=lr, epochs=epochs)
    clf = sklearn_perceptron(X, y, lr, epochs)
    np.testing.assert_allclose(clf.coef_[0], run.w[-1], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(clf.intercept_[0], run.b[-1], rtol=1e-9, atol=1e-9)
    assert np.array_equal(clf.predict(X), perceptron_predict(X, run.w[-1], run.b[-1]))


def test_sklearn_labels_zero_one_the_same_way():
    X, y = gate_data("OR")
    y01 = (y > 0).astype(int)
    clf = sklearn_perceptron(X, y01, 1.0, 20)
    run = train_perceptron(X, y01, epochs=20)
    assert clf.coef_[0].tolist() == run.w[-1].tolist() and clf.intercept_[0] == run.b[-1]
