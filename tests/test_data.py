import numpy as np
import pytest

from course_utils.data import celsius_table, data_path


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
