import numpy as np
import pytest

from course_utils.checks import ExerciseError, check_function, check_value


def test_right_answer_prints_a_verdict(capsys):
    check_value("x", 1.0, 1.0)
    check_value("y", 1.0 + 1e-12, 1.0)
    out = capsys.readouterr().out.splitlines()
    assert out == ["✓ x: exact.", "✓ y: close enough (within rtol=1e-06, atol=1e-09)."]


def test_wrong_answer_raises_with_hint():
    with pytest.raises(ExerciseError, match=r"got 2, expected 1.8 .*\nHint: think"):
        check_value("w", 2.0, 1.8, hint="think")


@pytest.mark.parametrize("answer", [None, NotImplemented, ...])
def test_missing_answer(answer):
    with pytest.raises(ExerciseError, match="empty"):
        check_value("w", answer, 1.0)


def test_shape_and_nan_and_type():
    with pytest.raises(ExerciseError, match=r"shape \(2,\), expected \(3,\)"):
        check_value("v", [1, 2], [1, 2, 3])
    with pytest.raises(ExerciseError, match="NaN"):
        check_value("v", [1, np.nan], [1, 2])
    with pytest.raises(ExerciseError, match="numbers"):
        check_value("v", "abc", 1.0)
    with pytest.raises(TypeError, match="`name`"):
        check_value("", 1, 1)


def test_array_mismatch_names_the_index():
    with pytest.raises(ExerciseError, match=r"at index \(1,\)"):
        check_value("v", [1.0, 5.0, 3.0], [1.0, 2.0, 3.0])


def test_check_function(capsys):
    check_function("sq", lambda x: x**2, lambda x: x * x, [(2.0,), (np.arange(3.0),)])
    assert "✓ sq: exact on 2 inputs." in capsys.readouterr().out
    with pytest.raises(ExerciseError, match=r"Input: sq\(3"):
        check_function("sq", lambda x: 2 * x, lambda x: x * x, [(2.0,), (3.0,)])


def test_check_function_unwritten():
    def todo(x):
        raise NotImplementedError()

    with pytest.raises(ExerciseError, match="not written yet"):
        check_function("todo", todo, abs, [(1,)])
    with pytest.raises(ExerciseError, match="must be a function"):
        check_function("f", 3, abs, [(1,)])
    with pytest.raises(ValueError, match="inputs"):
        check_function("f", abs, abs, [])
