"""Interactive explorers for the notebooks (ipywidgets, plus matplotlib where a picture helps).

Each explorer keeps its logic in plain methods that tests drive headlessly:
set a control's ``value``, then read what the display now says. Errors in a
callback are never swallowed: they show in the explorer's error area and are
kept in its ``errors`` list.
"""
