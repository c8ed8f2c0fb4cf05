"""Hold-out splits, k folds and cross-validation, from scratch against scikit-learn.

Folds and splits are index arrays, so they are compared exactly (no tolerance).
Cross-validation scores computed with the same model on the same folds are
compared to 1e-12.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import sem
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import make_scorer, mean_squared_error
from sklearn.model_selection import (
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.model_selection import train_test_split as sk_train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from course_utils import validation as V
from course_utils.curve_fitting import NetworkRegression, PolynomialRegression, model_mse
from course_utils.data import noisy_sine


def same_folds(ours, theirs) -> bool:
    theirs = list(theirs)
    return len(ours) == len(theirs) and all(
        np.array_equal(a_train, b_train) and np.array_equal(a_test, b_test)
        for (a_train, a_test), (b_train, b_test) in zip(ours, theirs))


@st.composite
def kfold_settings(draw):
    n = draw(st.integers(2, 80))
    k = draw(st.integers(2, n))
    shuffle = draw(st.booleans())
    seed = draw(st.integers(0, 2**31 - 1)) if shuffle else None
    return n, k, shuffle, seed


@st.composite
def labels(draw):
    """Class labels (ints or strings, classes not in sorted order of appearance), a k and a seed."""
    n = draw(st.integers(2, 60))
    n_classes = draw(st.integers(1, 4))
    codes = np.array(draw(st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n)))
    names = draw(st.sampled_from([np.array([2, 0, 7, 1]), np.array(["cat", "ant", "dog", "bee"])]))
    k = draw(st.integers(2, n))
    shuffle = draw(st.booleans())
    seed = draw(st.integers(0, 2**31 - 1)) if shuffle else None
    return names[codes], k, shuffle, seed


# -- k folds: partition, and equal to scikit-learn ----------------------------------------------
@settings(max_examples=50, deadline=None)
@given(setting=kfold_settings())
def test_k_fold_is_a_partition_and_equals_sklearn_kfold(setting):
    n, k, shuffle, seed = setting
    folds = V.k_fold_indices(n, k, shuffle=shuffle, seed=seed)
    labels_ = V.fold_labels(folds, n)  # raises unless every index is in exactly one test fold
    sizes = np.bincount(labels_, minlength=k)
    assert sizes.tolist() == [n // k + 1] * (n % k) + [n // k] * (k - n % k)
    for fold, (train, test) in enumerate(folds):
        assert np.array_equal(np.sort(np.r_[train, test]), np.arange(n))
        assert np.array_equal(test, np.flatnonzero(labels_ == fold))
    assert same_folds(folds, KFold(k, shuffle=shuffle, random_state=seed).split(np.zeros(n)))


def test_unshuffled_folds_are_contiguous_blocks():
    folds = V.k_fold_indices(23, 10)
    assert [test.tolist() for _, test in folds][:4] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10]]


@settings(max_examples=50, deadline=None)
@given(setting=labels())
def test_stratified_k_fold_equals_sklearn(setting):
    y, k, shuffle, seed = setting
    splitter = StratifiedKFold(k, shuffle=shuffle, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a class smaller than k: both warn
        try:
            theirs = list(splitter.split(np.zeros(len(y)), y))
        except ValueError:
            with pytest.raises(ValueError):
                V.stratified_k_fold_indices(y, k, shuffle=shuffle, seed=seed)
            return
        ours = V.stratified_k_fold_indices(y, k, shuffle=shuffle, seed=seed)
    assert same_folds(ours, theirs)
    labels_ = V.fold_labels(ours, len(y))
    for cls in np.unique(y):  # each class is spread as evenly as possible over the folds
        per_fold = np.bincount(labels_[y == cls], minlength=k)
        assert per_fold.max() - per_fold.min() <= 1


def test_stratified_warns_when_a_class_is_smaller_than_k():
    y = np.array([0] * 10 + [1] * 3)
    with pytest.warns(UserWarning, match="only 3 members"):
        V.stratified_k_fold_indices(y, k=5)


# -- hold-out -----------------------------------------------------------------------------------
@settings(max_examples=50, deadline=None)
@given(n=st.integers(2, 500), fraction=st.floats(0.01, 0.99), count=st.integers(1, 499),
       use_fraction=st.booleans(), seed=st.integers(0, 2**31 - 1))
def test_train_test_indices_equal_sklearn(n, fraction, count, use_fraction, seed):
    test_size = fraction if use_fraction else min(count, n - 1)
    try:
        sk_train, sk_test = sk_train_test_split(np.arange(n), test_size=test_size, random_state=seed)
    except ValueError:
        with pytest.raises(ValueError):
            V.train_test_indices(n, test_size, seed)
        return
    train, test = V.train_test_indices(n, test_size, seed)
    assert np.array_equal(train, sk_train) and np.array_equal(test, sk_test)
    assert np.array_equal(np.sort(np.r_[train, test]), np.arange(n))


def test_train_test_split_splits_rows_of_x_and_y_alike():
    X, y = np.arange(40).reshape(20, 2), np.arange(20) * 10
    X_train, X_test, y_train, y_test = V.train_test_split(X, y, test_size=0.25, seed=3)
    assert X_train.shape == (15, 2) and X_test.shape == (5, 2)
    assert np.array_equal(X_test[:, 0] * 5, y_test) and np.array_equal(X_train[:, 0] * 5, y_train)
    for ours, theirs in zip((X_train, X_test, y_train, y_test),
                            sk_train_test_split(X, y, test_size=0.25, random_state=3)):
        assert np.array_equal(ours, theirs)
    only_x = V.train_test_split(X, test_size=5, seed=3)
    assert len(only_x) == 2 and np.array_equal(only_x[1], X_test)


def test_validation_plan_follows_the_lecture():
    assert V.validation_plan(70_000) == ("hold-out", 1000, 1)
    assert V.validation_plan(5_000) == ("hold-out", 1000, 1)
    assert V.validation_plan(4_999) == ("k-fold", 500, 10)
    assert V.validation_plan(7) == ("k-fold", 1, 7)  # fewer than 10 samples: leave-one-out
    assert V.validation_plan(20_000, holdout=2000, large=10_000) == ("hold-out", 2000, 1)
    with pytest.raises(ValueError, match="`large` must be at least 1001"):
        V.validation_plan(100, large=1000)


# -- cross-validation ---------------------------------------------------------------------------
def polynomial_pipeline(degree=3):
    return make_pipeline(PolynomialFeatures(degree), LinearRegression())


def test_cross_validate_equals_sklearn_cross_val_score_on_the_same_folds():
    """Same model, same folds: the per-fold scores agree to 1e-12."""
    x, y = noisy_sine(40, 0.3)
    X = x[:, None]
    neg_mse = make_scorer(mean_squared_error, greater_is_better=False)
    for shuffle, seed in ((False, None), (True, 0), (True, 7)):
        ours = V.cross_validate(polynomial_pipeline, X, y, k=10, shuffle=shuffle, seed=seed,
                                scoring=neg_mse)
        theirs = cross_val_score(polynomial_pipeline(), X, y, scoring=neg_mse,
                                 cv=KFold(10, shuffle=shuffle, random_state=seed))
        np.testing.assert_allclose(ours.scores, theirs, rtol=0, atol=1e-12)
        assert ours.mean == pytest.approx(theirs.mean(), abs=1e-12)
        assert ours.std == pytest.approx(theirs.std(), abs=1e-12)
    # the default scoring is the model's own score (R² for a regressor), as in scikit-learn
    ours = V.cross_validate(polynomial_pipeline, X, y, k=5)
    np.testing.assert_allclose(ours.scores, cross_val_score(polynomial_pipeline(), X, y, cv=5),
                               rtol=0, atol=1e-12)


def test_stratified_cross_validate_equals_sklearn_default_for_classifiers():
    """cross_val_score(classifier, cv=5) uses StratifiedKFold(5): so does stratify=True."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=60) > 0.5).astype(int)
    ours = V.cross_validate(LogisticRegression, X, y, k=5, stratify=True, return_models=True)
    np.testing.assert_allclose(ours.scores, cross_val_score(LogisticRegression(), X, y, cv=5),
                               rtol=0, atol=1e-12)
    assert len(ours.models) == 5 and len({id(m) for m in ours.models}) == 5
    assert V.cross_validate(LogisticRegression, X, y, k=5).models is None  # dropped once scored


def test_cross_validate_with_given_folds_and_train_scores():
    x, y = noisy_sine(30, 0.3)
    folds = V.k_fold_indices(30, 3)
    result = V.cross_validate(lambda: PolynomialRegression(29), x, y, folds=folds, scoring=model_mse)
    assert result.folds is not folds and len(result.folds) == 3
    assert np.all(result.train_scores < 1e-10)  # 20 points, 30 coefficients: zero training error
    assert np.all(result.scores > 0.01)


# -- the one-standard-error rule ---------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 12), st.integers(2, 10)),
              elements=st.floats(0, 10, allow_nan=False, width=32)))
def test_one_standard_error_rule_picks_the_simplest_row_within_one_se(fold_errors):
    """scipy.stats.sem gives the standard error; the choice is the first row under the threshold."""
    means = fold_errors.mean(axis=1)
    best = int(np.argmin(means))
    threshold = means[best] + sem(fold_errors[best])  # sem: ddof=1, divided by sqrt(k)
    choice, got_threshold = V.one_standard_error_rule(fold_errors)
    assert got_threshold == pytest.approx(threshold, rel=1e-12, abs=1e-12)
    assert choice <= best and means[choice] <= got_threshold
    assert np.all(means[:choice] > got_threshold)


def test_one_standard_error_rule_on_the_notebooks_polynomials():
    """On 40 noisy points the lowest CV error may sit at a higher degree than the rule's choice."""
    x, y = noisy_sine(40, 0.3, seed=100)
    folds = V.k_fold_indices(40, 10, shuffle=True, seed=0)
    fold_errors = np.array([V.cross_validate(lambda d=d: PolynomialRegression(d), x, y, folds=folds,
                                             scoring=model_mse).scores for d in range(11)])
    choice, threshold = V.one_standard_error_rule(fold_errors)
    assert int(np.argmin(fold_errors.mean(axis=1))) == 5 and choice == 3
    assert isinstance(choice, int) and isinstance(threshold, float)


def test_one_standard_error_rule_bad_inputs():
    with pytest.raises(TypeError, match="`fold_errors` must be an array"):
        V.one_standard_error_rule(None)
    with pytest.raises(ValueError, match=r"with k >= 2 folds, got \(3,\)"):
        V.one_standard_error_rule([0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"got \(2, 1\)"):
        V.one_standard_error_rule([[0.1], [0.2]])
    with pytest.raises(ValueError, match="finite"):
        V.one_standard_error_rule([[0.1, np.nan], [0.2, 0.3]])


# -- bad settings raise clear errors ------------------------------------------------------------
@pytest.mark.parametrize("n, k, match", [
    (10, 1, "at least 2"), (10, 11, "cannot be greater than the number of samples"),
    (0, 2, "`n_samples` must be at least 1"), (10, 2.5, "`k` must be an integer"),
    (10, True, "`k` must be an integer"), (10.0, 2, "`n_samples` must be an integer"),
])
def test_k_fold_bad_settings(n, k, match):
    with pytest.raises((ValueError, TypeError), match=match):
        V.k_fold_indices(n, k)


def test_seed_without_shuffle_and_bad_seeds():
    with pytest.raises(ValueError, match="no effect when `shuffle` is False"):
        V.k_fold_indices(10, 2, seed=0)
    with pytest.raises(TypeError, match="`seed` must be"):
        V.k_fold_indices(10, 2, shuffle=True, seed=-1)
    with pytest.raises(TypeError, match="`shuffle` must be True or False"):
        V.k_fold_indices(10, 2, shuffle="yes")


def test_stratified_bad_settings():
    with pytest.raises(ValueError, match="greater than the number of members of every class"):
        V.stratified_k_fold_indices([0, 0, 1, 1, 2, 2], k=3)
    with pytest.raises(ValueError, match=r"of shape \(n_samples,\)"):
        V.stratified_k_fold_indices(np.zeros((4, 2)), k=2)
    with pytest.raises(ValueError, match="at least 1"):
        V.stratified_k_fold_indices([], k=2)
    with pytest.raises(TypeError, match="class labels"):
        V.stratified_k_fold_indices(None, k=2)


@pytest.mark.parametrize("test_size, match", [
    (0.0, "strictly between 0 and 1"), (1.0, "strictly between 0 and 1"), (10, "between 1 and 9"),
    (0, "between 1 and 9"), ("half", "fraction or a number"), (True, "fraction or a number"),
])
def test_train_test_bad_sizes(test_size, match):
    with pytest.raises((ValueError, TypeError), match=match):
        V.train_test_indices(10, test_size, seed=0)


def test_train_test_split_bad_inputs():
    with pytest.raises(ValueError, match="same number of rows"):
        V.train_test_split(np.zeros((5, 2)), np.zeros(4), seed=0)
    with pytest.raises(ValueError, match="`X` must not be empty"):
        V.train_test_split(np.zeros((0, 2)), seed=0)
    with pytest.raises(ValueError, match="at least 2"):
        V.train_test_split(np.zeros((1, 2)), seed=0)


@pytest.mark.parametrize("folds, match", [
    ([[0, 1], [1, 2]], "sample 1 is in the test sets of folds 0 and 1"),
    ([[0, 1]], "1 sample"),
    ([[0, 1, 2, 3]], "outside 0..2"),
    ([[0, 0, 1, 2]], "holds index 0 twice"),
    ([], "non-empty list"),
])
def test_fold_labels_rejects_non_partitions(folds, match):
    with pytest.raises(ValueError, match=match):
        V.fold_labels(folds, 3)


def test_fold_labels_accepts_pairs_and_short_tuples():
    assert V.fold_labels(V.k_fold_indices(5, 2), 5).tolist() == [0, 0, 0, 1, 1]
    assert V.fold_labels([(0, 1), (2,)], 3).tolist() == [0, 0, 1]  # a block of two, not a pair


def test_fold_labels_rejects_float_indices():
    with pytest.raises(TypeError, match="integer indices"):
        V.fold_labels([np.array([0.0, 1.0]), np.array([2.0])], 3)


def test_cross_validate_bad_inputs():
    X, y = np.zeros((10, 1)), np.zeros(10)
    model = LinearRegression()
    with pytest.raises(TypeError, match="`make_model` must be a function"):
        V.cross_validate(model, X, y)
    with pytest.raises(ValueError, match="returned the same model twice"):
        V.cross_validate(lambda: model, X, y, k=2)
    with pytest.raises(TypeError, match="has no `fit` method"):
        V.cross_validate(lambda: object(), X, y, k=2)

    class FitOnly:
        def fit(self, X, y):
            return self

    with pytest.raises(TypeError, match="has no `score` method"):
        V.cross_validate(FitOnly, X, y, k=2)
    with pytest.raises(ValueError, match="same number of rows"):
        V.cross_validate(LinearRegression, X, y[:5])
    with pytest.raises(ValueError, match="`X` must not be empty"):
        V.cross_validate(LinearRegression, X[:0], y[:0])
    with pytest.raises(ValueError, match="cannot be greater than the number of samples"):
        V.cross_validate(LinearRegression, X, y, k=11)
    with pytest.raises(ValueError, match="at least 2"):
        V.cross_validate(LinearRegression, X, y, k=1)
    with pytest.raises(ValueError, match="at least one"):
        V.cross_validate(LinearRegression, X, y, folds=[])
    with pytest.raises(TypeError, match="`scoring` must be a function"):
        V.cross_validate(LinearRegression, X, y, scoring="mse")


# -- the demos' models --------------------------------------------------------------------------
@settings(max_examples=50, deadline=None)
@given(n=st.integers(3, 40), degree=st.integers(0, 8), seed=st.integers(0, 1000))
def test_polynomial_regression_equals_numpy_polynomial_fit(n, degree, seed):
    """Least squares in the Legendre basis = numpy's Polynomial.fit, to 1e-6 relative.

    (scikit-learn's PolynomialFeatures + LinearRegression uses raw powers x**j, which
    lose digits when a high degree meets clustered points; it is compared below where
    it is well conditioned.)
    """
    degree = min(degree, n - 1)
    x, y = noisy_sine(n, 0.3, seed=seed)
    grid = np.linspace(-1, 1, 50)
    ours = PolynomialRegression(degree).fit(x, y).predict(grid)
    theirs = np.polynomial.Polynomial.fit(x, y, degree)(grid)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6 * max(1.0, np.abs(theirs).max()))


def test_polynomial_regression_equals_sklearn_where_well_conditioned():
    """Degrees 0 to 5 on 40 points spread over [-1, 1]: equal to 1e-8."""
    x, y = noisy_sine(40, 0.3)
    grid = np.linspace(-1, 1, 50)
    for degree in range(6):
        ours = PolynomialRegression(degree).fit(x, y).predict(grid)
        theirs = polynomial_pipeline(degree).fit(x[:, None], y).predict(grid[:, None])
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-8)


def test_polynomial_through_every_point():
    x, y = noisy_sine(12, 0.5)
    assert model_mse(PolynomialRegression(11).fit(x, y), x, y) < 1e-20


def test_network_regression_steps_along_the_gradient_of_its_documented_loss():
    """The gradient it steps along (the MLP's, with l2 = 2 λ) is autograd's of
    L = mean error² + λ (|w|² + |v|²), in float64, to 1e-12."""
    torch = pytest.importorskip("torch")
    x, y = noisy_sine(17, 0.3)
    net = NetworkRegression(width=7, weight_decay=0.01, max_iter=1).fit(x, y).net_
    rng = np.random.default_rng(0)
    for p in net.parameters():
        p[...] = rng.normal(size=p.shape)
    _, grads = net.loss_and_gradients(x[:, None], y, l2=2 * 0.01)

    w, b, v, c = (torch.tensor(p.ravel(), requires_grad=True) for p in net.parameters())
    xt, yt = torch.tensor(x), torch.tensor(y)
    prediction = torch.tanh(xt[:, None] * w + b) @ v + c
    (torch.mean((prediction - yt) ** 2) + 0.01 * (w @ w + v @ v)).backward()
    for g, t in zip(grads, (w, b, v, c)):
        np.testing.assert_allclose(g.ravel(), t.grad.numpy(), rtol=0, atol=1e-12)


def test_network_regression_overfits_and_keeps_its_history():
    x, y = noisy_sine(10, 0.3)
    net = NetworkRegression(width=30, max_iter=2000).fit(x, y)
    curve = net.error_curve(x, y)
    assert curve.shape == (net.steps_ + 1,) and curve[-1] < 1e-3 < curve[0]
    assert model_mse(net, x, y) == pytest.approx(curve[-1])
    assert net.error_curve(x, y, [5])[0] == pytest.approx(np.mean((net.predict(x, step=5) - y) ** 2))
    again = NetworkRegression(width=30, max_iter=2000).fit(x, y)
    assert np.array_equal(again.history_, net.history_)  # seeded: the same run twice


@pytest.mark.parametrize("make, match", [
    (lambda: PolynomialRegression(-1), "`degree` must be an integer >= 0"),
    (lambda: NetworkRegression(width=0), "`width` must be a positive integer"),
    (lambda: NetworkRegression(weight_decay=-1.0), "`weight_decay` must be >= 0"),
    (lambda: NetworkRegression(lr=0.0), "`lr` must be a positive number"),
    (lambda: noisy_sine(0), "`n` must be a positive integer"),
    (lambda: PolynomialRegression(2).fit(np.zeros((3, 2)), np.zeros(3)), "of shape"),
])
def test_demo_models_bad_inputs(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("width, weight_decay, points, noise", [
    (1, 0.0, 5, 0.0), (7, 1e-6, 15, 0.3), (50, 1e-3, 30, 0.5), (100, 1.0, 60, 1.0)])
def test_the_small_network_s_written_out_loop_is_mlp_s_backpropagation_and_adam(width, weight_decay,
                                                                                points, noise):
    """NetworkRegression.fit writes MLP.loss_and_gradients and Adam.step out for [1, m, 1], with the
    biases beside the weights and Adam's bias corrections moved into the rate and ε: every one of the
    first 300 steps' parameters must be the generic loop's to 1e-11 (the order of the additions
    differs, so not the same bits)."""
    from course_utils.curve_fitting import NetworkRegression, _views
    from course_utils.data import noisy_sine
    from course_utils.mlp import MLP
    from course_utils.optim import Adam

    x, y = noisy_sine(points, noise)
    fast = NetworkRegression(width, weight_decay, max_iter=300).fit(x, y)
    net = MLP([1, width, 1], activation="tanh", output="identity")
    theta = fast.history_[0].copy()
    net.weights, net.biases = _views(theta, net.parameters())
    gradient = np.empty_like(theta)
    views = [g for pair in zip(*_views(gradient, net.parameters())) for g in pair]
    adam = Adam([theta], lr=fast.lr)
    rates = fast.lr * 0.5 * (1 + np.cos(np.pi * np.arange(300) / 300))
    scale = np.abs(fast.history_).max()
    for t, rate in enumerate(rates.tolist(), start=1):
        adam.lr = rate
        net.loss_and_gradients(x[:, None], y, l2=2 * weight_decay, out=views, penalty=False)
        adam.step([gradient])
        np.testing.assert_allclose(fast.history_[t], theta, rtol=0, atol=1e-11 * scale,
                                   err_msg=f"step {t} differs")
