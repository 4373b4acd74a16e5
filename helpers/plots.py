"""The course's figure style: colour-blind-safe colours, readable sizes.

Colours are the Okabe-Ito palette, distinguishable with the common forms of
colour blindness; lines also differ in marker or dash where a figure has
several, so nothing depends on colour alone. Import this module only where a
figure is drawn: it needs matplotlib.
"""

from __future__ import annotations

#: Okabe & Ito (2008), "Color Universal Design": name -> hex colour.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: The order in which lines take colours (yellow last: it is faint on white).
CYCLE = ["blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue",
         "black", "yellow"]

#: Line styles and markers paired with :data:`CYCLE`, for figures read in grey.
LINESTYLES = ["-", "--", "-.", ":", "-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def color(name: str) -> str:
    """Hex colour of an Okabe-Ito colour by name, e.g. ``color("vermillion")``."""
    try:
        return OKABE_ITO[name]
    except KeyError:
        raise ValueError(f"color: unknown colour {name!r}; choose one of "
                         f"{', '.join(OKABE_ITO)}") from None


def use_course_style() -> None:
    """Set matplotlib's defaults to the course style (call once per notebook)."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "axes.prop_cycle": cycler(color=[OKABE_ITO[c] for c in CYCLE])
        + cycler(linestyle=LINESTYLES),
        "image.cmap": "cividis",
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 80,
        "savefig.dpi": 80,
        "font.size": 11,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
    })
