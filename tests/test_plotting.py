import matplotlib as mpl
import pytest

from course_utils.plotting import COLORS, house_style, new_figure, use_house_style


def test_presenting_style_has_larger_fonts():
    normal, big = house_style(), house_style(presenting=True)
    for key in ("font.size", "axes.titlesize", "axes.labelsize", "legend.fontsize"):
        assert big[key] > normal[key]


def test_use_house_style_sets_rcparams():
    use_house_style(presenting=True)
    assert mpl.rcParams["font.size"] == 15
    use_house_style()
    assert mpl.rcParams["font.size"] == 11


def test_palette_is_okabe_ito():
    assert COLORS["blue"] == "#0072B2" and COLORS["vermillion"] == "#D55E00"


def test_bad_arguments():
    with pytest.raises(TypeError, match="presenting"):
        house_style("yes")
    with pytest.raises(ValueError, match="figsize"):
        new_figure((0, 3))


def test_new_figure_is_outside_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = new_figure()
    assert plt.get_fignums() == before
    assert fig.canvas.get_width_height() == (600, 400)
