"""What every explorer inherits from helpers.widgets.base.Explorer."""

import pytest

from helpers.widgets.base import ERROR_CLASS, EXPLORER_CLASS
from helpers.widgets.gradient_flow import GradientFlowExplorer
from helpers.widgets.jacobian_explorer import JacobianExplorer
from helpers.widgets.shape_explorer import ShapeExplorer
from helpers.widgets.step_size_explorer import StepSizeExplorer

EXPLORERS = {
    "jacobian-explorer": JacobianExplorer,
    "shape-explorer": ShapeExplorer,
    "step-size-explorer": StepSizeExplorer,
    "gradient-flow-explorer": GradientFlowExplorer,
}


@pytest.mark.parametrize("css_class", sorted(EXPLORERS))
def test_text_stand_in_names_the_explorer_without_an_address(css_class):
    cls = EXPLORERS[css_class]
    text = cls()._repr_mimebundle_()["text/plain"]
    assert text.startswith(f"{cls.__name__} (interactive")
    assert "0x" not in text  # nbval compares this text: it must not vary between runs


@pytest.mark.parametrize("css_class", sorted(EXPLORERS))
def test_every_explorer_carries_the_shared_and_its_own_css_class(css_class):
    explorer = EXPLORERS[css_class]()
    assert {EXPLORER_CLASS, css_class} <= set(explorer.widget._dom_classes)
    assert ERROR_CLASS in explorer.error_area._dom_classes
    assert explorer.error_area.layout.display == "none" and explorer.errors == []
