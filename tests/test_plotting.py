import matplotlib as mpl
import pytest

from course_utils.plotting import COLORS, house_style, new_figure, use_house_style


def test_presenting_style_draws_everything_larger_in_the_same_layout():
    normal, big = house_style(), house_style(presenting=True)
    assert big["figure.dpi"] == big["savefig.dpi"] == 1.5 * normal["figure.dpi"]
    for key in ("font.size", "axes.titlesize", "axes.labelsize", "legend.fontsize"):
        assert big[key] == normal[key]  # in points: they grow on screen with the dpi, as the figure does


def test_use_house_style_sets_rcparams():
    use_house_style(presenting=True)
    try:
        assert mpl.rcParams["figure.dpi"] == 150 and new_figure((6, 4)).canvas.get_width_height() == (900, 600)
    finally:
        use_house_style()
    assert mpl.rcParams["figure.dpi"] == 100 and mpl.rcParams["font.size"] == 11


def test_presenting_demo_has_larger_figure_and_controls():
    from course_utils.demos.single_neuron import line_fit_demo
    from course_utils.widgets import PRESENTING_CLASS, widget_tree

    normal = line_fit_demo()
    use_house_style(presenting=True)
    try:
        big = line_fit_demo()
    finally:
        use_house_style()
    assert big.fig.canvas.get_width_height() == tuple(round(1.5 * n) for n in normal.fig.canvas.get_width_height())
    assert big.image.layout.width == "900px" and normal.image.layout.width == "600px"
    assert PRESENTING_CLASS in big.widget._dom_classes and PRESENTING_CLASS not in normal.widget._dom_classes
    assert any("--jp-widgets-font-size: 19.5px" in getattr(w, "value", "") for w in widget_tree(big.widget)
               if isinstance(getattr(w, "value", None), str))
    panel = big.widget.children[0]
    assert (panel.layout.min_width, panel.layout.max_width) == ("450px", "540px")


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
