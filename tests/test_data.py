import gzip

import numpy as np
import pytest

from course_utils.data import MNIST_FILES, celsius_table, data_path, load_mnist, mnist_5k, read_idx


def test_celsius_table_is_the_lecture_table():
    celsius, fahrenheit = celsius_table()
    np.testing.assert_array_equal(celsius, [0, 8, 15, 22])
    np.testing.assert_allclose(fahrenheit, [32, 46.4, 59, 71.6])
    np.testing.assert_allclose(fahrenheit, 1.8 * celsius + 32)


def test_every_data_file_is_described_in_the_readme():
    readme = data_path("README.md").read_text()
    for path in data_path("README.md").parent.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, f"data/README.md does not describe {path.name}"


@pytest.mark.parametrize("bad", ["", None, 3])
def test_data_path_rejects_non_names(bad):
    with pytest.raises(TypeError, match="`name`"):
        data_path(bad)


def test_data_path_names_missing_file():
    with pytest.raises(FileNotFoundError, match="no_such.csv"):
        data_path("no_such.csv")


def test_mnist_5k_is_real_mnist_and_cached():
    images, labels = mnist_5k()
    assert images.shape == (5000, 28, 28) and labels.shape == (5000,)
    assert np.bincount(labels).tolist() == [500] * 10
    assert images.max() == 255 and images.min() == 0
    assert mnist_5k()[0] is images, "the second call is served from memory"
    with pytest.raises(ValueError):
        images[0, 0, 0] = 1  # read-only, so a notebook cannot corrupt the cache


def _write_idx(path, array, gz=True):
    codes = {np.uint8: 0x08, np.int32: 0x0C}
    header = bytes([0, 0, codes[array.dtype.type], array.ndim])
    header += b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    if gz:
        with gzip.open(path, "wb") as fh:
            fh.write(payload)
    else:
        path.write_bytes(payload)
    return payload


def _fake_mnist(folder, n_train=6, n_test=3):
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, 28, 28)).astype(np.uint8),
        "train_labels": rng.integers(0, 10, n_train).astype(np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28)).astype(np.uint8),
        "test_labels": rng.integers(0, 10, n_test).astype(np.uint8),
    }
    for key, name in MNIST_FILES.items():
        _write_idx(folder / name, arrays[key])
    return arrays


def test_load_mnist_reads_idx_files(tmp_path):
    arrays = _fake_mnist(tmp_path)
    data = load_mnist(tmp_path)
    for key, array in arrays.items():
        np.testing.assert_array_equal(data[key], array)
    assert data["train_images"].shape == (6, 28, 28) and data["test_labels"].shape == (3,)


def test_read_idx_big_endian_ints(tmp_path):
    array = np.arange(-3, 9, dtype=np.int32).reshape(3, 4)
    _write_idx(tmp_path / "x.idx", array, gz=False)
    np.testing.assert_array_equal(read_idx(tmp_path / "x.idx"), array)


def test_truncated_or_corrupt_files_raise(tmp_path):
    payload = _write_idx(tmp_path / "a.idx", np.zeros((4, 28, 28), np.uint8), gz=False)
    (tmp_path / "short.idx").write_bytes(payload[:-10])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        read_idx(tmp_path / "short.idx")
    (tmp_path / "bad.idx").write_bytes(b"\x01\x02\x03\x04" + payload[4:])
    with pytest.raises(ValueError, match="magic"):
        read_idx(tmp_path / "bad.idx")
    gz = gzip.compress(payload)
    (tmp_path / "cut.idx.gz").write_bytes(gz[: len(gz) // 2])
    with pytest.raises(ValueError, match="could not be read"):
        read_idx(tmp_path / "cut.idx.gz")
    with pytest.raises(FileNotFoundError, match="`path`"):
        read_idx(tmp_path / "none.idx")


def test_load_mnist_without_files_explains_offline(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=True"):
        load_mnist(tmp_path)


def test_load_mnist_rejects_mismatched_labels(tmp_path):
    _fake_mnist(tmp_path)
    _write_idx(tmp_path / MNIST_FILES["train_labels"], np.zeros(5, np.uint8))
    with pytest.raises(ValueError, match="do not match"):
        load_mnist(tmp_path)
