"""What a run leaves behind and shows: the result files written atomically (``files``,
``outputs``), the console summary (``summary``), charts (``plots``), ``report.html``
(``html``, from ``templates/``), the IAMC table (``iamc``), and the words and fonts they use:
the words from the catalogues of ``simulator.text`` (one per language), names and units
(``labels``), ``fonts``, and the scenario's notes (``provenance``). Reads runs from
``simulator.montecarlo``; knows nothing of the analyses or the command line."""
